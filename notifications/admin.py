"""Read-only in the back office: people set their own preference on "Mijn instellingen" and
the daily command records the digests it sends; the programme manager reads both here (who
asked for no digest, who got one on which day), and nobody adds, changes or deletes them by
hand."""

from django.contrib import admin

from .models import DigestSent, NotificationPreference


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    show_full_result_count = False  # no second COUNT(*) on filtered lists

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["user", "digest", "language"]
    list_filter = ["digest", "language"]


@admin.register(DigestSent)
class DigestSentAdmin(ReadOnlyAdmin):
    list_display = ["day", "user", "sent"]
    list_filter = ["day"]
    date_hierarchy = "day"
