from django.urls import path

from . import views

app_name = "outbox"

urlpatterns = [
    path("", views.OutboxView.as_view(), name="list"),
    path("<int:pk>/send-again/", views.ResendView.as_view(), name="resend"),
]
