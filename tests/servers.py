"""Several app servers in tests: a second server is a separate Python process with the portal's
settings from its own environment; the S3 emulator is moto's server on loopback."""

import json
import logging
import os
import subprocess
import sys
import uuid

from django.conf import settings

# What the second server runs before the code it is given.
SETUP = "import django; django.setup()\n"


def another_server(code: str, **env: str) -> str:
    """Run `code` in a new process with the portal's settings, the test run's environment and
    `env` on top; returns what it printed."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "leiden_intl.settings",
        "SECRET_KEY": "another-server-key",
        "DEBUG": "false",
        "HTTPS": "false",
        **env,
    }
    result = subprocess.run(
        [sys.executable, "-c", SETUP + code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(f"The other server failed:\n{result.stdout}{result.stderr}")
    return result.stdout


class S3Emulator:
    """moto's S3 server on a free loopback port, with a bucket of its own per test."""

    REGION = "eu-west-1"
    KEYS = {"S3_ACCESS_KEY_ID": "test-key", "S3_SECRET_ACCESS_KEY": "test-secret"}

    def start(self) -> None:
        import boto3
        from moto.server import ThreadedMotoServer

        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.log = logging.getLogger("werkzeug")  # a line per request otherwise
        self.log_level = self.log.level
        self.log.setLevel(logging.WARNING)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        self.client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=self.REGION,
            aws_access_key_id=self.KEYS["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=self.KEYS["S3_SECRET_ACCESS_KEY"],
        )

    def stop(self) -> None:
        self.server.stop()
        self.log.setLevel(self.log_level)

    def bucket_create(self) -> str:
        bucket = f"leiden-intl-{uuid.uuid4().hex[:12]}"
        self.client.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": self.REGION}
        )
        return bucket

    def env(self, bucket: str) -> dict[str, str]:
        """The environment variables that point a server at `bucket`, as README.md lists."""
        return {
            "S3_BUCKET": bucket,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": self.REGION,
            **self.KEYS,
        }

    def storages(self, bucket: str) -> dict:
        """STORAGES as settings.py makes it from env(bucket), read from a fresh process (the
        test's own settings were made without S3)."""
        code = "from django.conf import settings; print(json.dumps(settings.STORAGES))"
        return json.loads(another_server("import json\n" + code, **self.env(bucket)))

    def keys(self, bucket: str) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", ()))

    def read(self, bucket: str, key: str) -> bytes:
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()

    def bucket_empty(self, bucket: str) -> None:
        for key in self.keys(bucket):
            self.client.delete_object(Bucket=bucket, Key=key)

    def bucket_drop(self, bucket: str) -> None:
        self.bucket_empty(bucket)
        self.client.delete_bucket(Bucket=bucket)
