"""What every app's admin screens share."""

from django.contrib import admin, messages

from config.errors import DomainError


class ServiceAdmin(admin.ModelAdmin):
    """Saves and deletes through the service layer; domain errors become admin messages."""

    def _service_call(self, request, call):
        try:
            return call()
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return None

    def _stored(self, obj):
        """The row as stored (the form has already changed ``obj``): an update service compares
        it with the new values to know what changed."""
        return type(obj).objects.get(pk=obj.pk)
