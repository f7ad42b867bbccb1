"""The portal's roles (DOMAIN.md, "The people") as Django groups with model permissions.

Model permissions say what a role may do with a kind of object; which efforts a steering-group
member may edit (their own team's) is decided per object by `Effort.can_edit`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

PLAN_MODELS = (
    "plan",
    "spearhead",
    "goal",
    "team",
    "partner",
    "targetgroup",
    "effort",
    "indicator",
    "indicatorvalue",
    "steeringround",
    "progressupdate",
    "planyear",
    "planyearstep",
)


class Role(models.TextChoices):
    """Group names: stable identifiers, shown through their translated labels."""

    STEERING_GROUP = "regiegroep", _("Steering group member")
    PROGRAMME_MANAGER = "opgavemanager", _("Programme manager")
    CLIENT = "opdrachtgever", _("Client (ambtelijk opdrachtgever)")
    DIRECTORS = "directieteam", _("Board of directors")
    ALDERMAN = "wethouder", _("Alderman")
    READER = "lezer", _("Reader")


# django-axes' audit trail of sign-ins (logins, logouts, failed attempts): read, never written
# by hand (the admin shows these models read-only to everyone).
AUDIT_LOG_PERMISSIONS = [
    "axes.view_accesslog",
    "axes.view_accessfailurelog",
    "axes.view_accessattempt",
]


# Who asked for which e-mails, and which daily digests went out: read in the admin by the
# programme manager, written only by the settings page and the send_digests command.
NOTIFICATION_PERMISSIONS = [
    "notifications.view_notificationpreference",
    "notifications.view_digestsent",
]


def _plan_perms(*actions: str) -> list[str]:
    return [f"plan.{action}_{model}" for model in PLAN_MODELS for action in actions]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.STEERING_GROUP: _plan_perms("view"),
    Role.PROGRAMME_MANAGER: (
        _plan_perms("add", "change", "delete", "view")
        + ["auth.view_user"]
        + AUDIT_LOG_PERMISSIONS
        + NOTIFICATION_PERMISSIONS
    ),
    Role.CLIENT: _plan_perms("view"),
    Role.DIRECTORS: _plan_perms("view"),
    Role.ALDERMAN: _plan_perms("view"),
    Role.READER: _plan_perms("view"),
}


def role_groups_sync(*, group_model, permission_model) -> None:
    """Create or update one group per role with exactly its permissions.

    Takes the models as arguments so that data migrations can pass their historical ones. A
    permission of a model that an earlier migration does not know yet is skipped; the later
    migration that adds the model syncs again (tests check that every role ends up complete).
    """
    available = {
        f"{app_label}.{codename}": pk
        for pk, app_label, codename in permission_model.objects.values_list(
            "pk", "content_type__app_label", "codename"
        )
    }
    for role, perm_names in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=role)
        group.permissions.set([available[name] for name in perm_names if name in available])
