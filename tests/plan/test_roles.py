from django.contrib.auth.models import Group

from plan.roles import Role
from tests.base import BaseTestCase


class RoleGroupsTestCase(BaseTestCase):
    def test_the_migration_creates_one_group_per_role(self):
        names = set(Group.objects.values_list("name", flat=True))
        self.assertEqual(names, {role.value for role in Role})

    def test_only_the_programme_manager_may_change_efforts(self):
        self.assertTrue(self.bob.has_perm("plan.change_effort"))
        self.assertTrue(self.bob.has_perm("plan.add_goal"))
        for user in (self.alice, self.charlie, self.wethouder):
            self.assertFalse(user.has_perm("plan.change_effort"), user)
            self.assertTrue(user.has_perm("plan.view_effort"), user)

    def test_after_all_migrations_every_role_has_all_its_permissions(self):
        from plan.roles import ROLE_PERMISSIONS

        for role, perm_names in ROLE_PERMISSIONS.items():
            group = Group.objects.get(name=role)
            granted = {
                f"{p.content_type.app_label}.{p.codename}"
                for p in group.permissions.select_related("content_type")
            }
            self.assertEqual(granted, set(perm_names), role)
