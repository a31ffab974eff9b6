"""Sign in and sign out: Django's auth views with Mitra's templates (sign-out is POST + CSRF)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views

from .forms import SignInForm


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only (Django 5 refuses GET), so a link or a prefetch cannot sign anyone out."""
