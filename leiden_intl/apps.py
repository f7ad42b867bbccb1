from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    default_site = "leiden_intl.admin.PortalAdminSite"
