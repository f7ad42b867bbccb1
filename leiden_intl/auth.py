"""The authentication backends' permissions, read in one query.

Django's ModelBackend reads a user's permissions in two queries (those given to the user and
those of their groups); roles here are groups, so most pages that check a permission paid
for both. One query with both joins reads the same set.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class OnePermissionQuery:
    """For a backend derived from ModelBackend: get_all_permissions in one query, cached on
    the user object as ModelBackend caches it (so has_perm and has_perms use it)."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                given = Q(user=user_obj) | Q(group__user=user_obj)
                permissions = permissions.filter(given)
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.order_by().values_list(
                    "content_type__app_label", "codename"
                )
            }
        return user_obj._perm_cache


class PortalModelBackend(OnePermissionQuery, ModelBackend):
    """Usernames and passwords (LOCAL_PASSWORDS), permissions in one query."""
