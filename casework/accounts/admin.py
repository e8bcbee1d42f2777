from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from casework.accounts.models import User


@admin.register(User)
class CaseworkUserAdmin(UserAdmin):
    fieldsets = (*(UserAdmin.fieldsets or ()), (None, {"fields": ("display_name",)}))
    list_display = ("username", "display_name", "is_active", "is_staff")
