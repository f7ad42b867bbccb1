"""The authentication backends' permissions, read in one query.

Django's ModelBackend reads a user's permissions in two queries (those given to the user and
those of their groups); roles here are groups, so most pages that check a permission paid
for both. One query on the link tables reads the same set.
"""

import functools

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection


@functools.cache
def _permissions_sql() -> str:
    """A user's own permissions and their groups': one query on the link tables alone. The
    ORM's form of it (left joins through auth_group, OR-ed) costs about twice as long on
    PostgreSQL, most of it planning on a connection that is new for the request."""
    permission = Permission._meta.db_table
    content_type = ContentType._meta.db_table
    user_permissions = User.user_permissions.through._meta.db_table
    group_permissions = Permission.group_set.through._meta.db_table
    user_groups = User.groups.through._meta.db_table
    return (
        f"SELECT ct.app_label, p.codename FROM {permission} p"
        f" JOIN {content_type} ct ON ct.id = p.content_type_id"
        f" WHERE p.id IN (SELECT permission_id FROM {user_permissions} WHERE user_id = %s"
        f" UNION SELECT gp.permission_id FROM {group_permissions} gp"
        f" JOIN {user_groups} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s)"
    )


class OnePermissionQuery:
    """For a backend derived from ModelBackend: get_all_permissions in one query, cached on
    the user object as ModelBackend caches it (so has_perm and has_perms use it)."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename")
            else:
                with connection.cursor() as cursor:
                    cursor.execute(_permissions_sql(), [user_obj.pk, user_obj.pk])
                    rows = cursor.fetchall()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache


class PortalModelBackend(OnePermissionQuery, ModelBackend):
    """Usernames and passwords (LOCAL_PASSWORDS), permissions in one query."""
