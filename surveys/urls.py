"""Officers' pages. Service and organisation pages live here because they show interests,
but keep their own URL namespaces (`services:detail`, `organisations:detail`)."""

from django.urls import path

from .views import matrix, organisations, services

app_name = "surveys"

urlpatterns = [
    path("matrix/", matrix.MatrixView.as_view(), name="matrix"),
    path("matrix.csv", matrix.MatrixCsvView.as_view(), name="matrix_csv"),
    path("matrix.xlsx", matrix.MatrixXlsxView.as_view(), name="matrix_xlsx"),
]

service_urlpatterns = (
    [
        path("", services.ServiceListView.as_view(), name="list"),
        path("<slug:slug>/", services.ServiceDetailView.as_view(), name="detail"),
        path(
            "<slug:slug>/assessments/<int:pk>/",
            services.AssessmentFormView.as_view(),
            name="assess",
        ),
    ],
    "services",
)

organisation_urlpatterns = (
    [path("<slug:slug>/", organisations.OrganisationDetailView.as_view(), name="detail")],
    "organisations",
)
