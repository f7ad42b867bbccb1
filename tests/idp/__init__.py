"""A real OpenID Connect provider (django-oidc-provider) for the sign-in test, served in its own
process with these settings: tests/browser/test_oidc_sign_in.py starts it. Not part of the
portal; django-oidc-provider is installed with the dev extra only."""
