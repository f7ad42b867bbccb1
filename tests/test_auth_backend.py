"""Permissions read in one query (leiden_intl.auth): the same answers as Django's backend."""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission, User
from django.test import TestCase

from leiden_intl.auth import PortalModelBackend
from plan.roles import Role
from tests.base import make_user


class OnePermissionQueryTestCase(TestCase):
    def fresh(self, user):
        return User.objects.get(pk=user.pk)  # no permissions cached on the object

    def test_the_same_permissions_as_djangos_backend_in_one_query(self):
        manager = make_user("manager", role=Role.PROGRAMME_MANAGER)
        own = Permission.objects.get(codename="view_logentry")
        manager.user_permissions.add(own)
        for user in (manager, make_user("reader", role=Role.READER)):
            with self.subTest(user.username):
                expected = ModelBackend().get_all_permissions(self.fresh(user))
                user = self.fresh(user)
                with self.assertNumQueries(1):
                    permissions = PortalModelBackend().get_all_permissions(user)
                self.assertEqual(permissions, expected)
                with self.assertNumQueries(0):  # cached on the user, as Django's backend does
                    user.has_perm("plan.change_effort")
        self.assertIn("admin.view_logentry", PortalModelBackend().get_all_permissions(manager))
        self.assertTrue(self.fresh(manager).has_perm("plan.change_steeringround"))
        self.assertFalse(self.fresh(manager).has_perm("auth.delete_user"))

    def test_inactive_users_have_none_and_superusers_all(self):
        user = make_user("gone", role=Role.PROGRAMME_MANAGER)
        user.is_active = False
        user.save()
        self.assertEqual(PortalModelBackend().get_all_permissions(self.fresh(user)), set())
        self.assertFalse(self.fresh(user).has_perm("plan.change_effort"))
        root = User.objects.create_superuser("root", "root@example.org", "x")
        self.assertEqual(
            len(PortalModelBackend().get_all_permissions(self.fresh(root))),
            Permission.objects.count(),
        )

    def test_a_group_given_a_permission_grants_it_at_the_next_request(self):
        user = make_user("reader2", role=Role.READER)
        self.assertFalse(self.fresh(user).has_perm("plan.change_effort"))
        Group.objects.get(name=Role.READER.value).permissions.add(
            Permission.objects.get(codename="change_effort")
        )
        self.assertTrue(self.fresh(user).has_perm("plan.change_effort"))
