"""Officers' pages. Service and organisation pages live here because they show interests,
but keep their own URL namespaces (`services:detail`, `organisations:detail`)."""

from django.urls import path

from .matrix import views as matrix
from .moderation import views as moderation
from .officers import views as officers
from .registration import update_views as updates
from .registration import views as registration
from .residents import views as residents

app_name = "surveys"

urlpatterns = [
    path("matrix/", matrix.MatrixView.as_view(), name="matrix"),
    path("matrix.csv", matrix.MatrixCsvView.as_view(), name="matrix_csv"),
    path("matrix.xlsx", matrix.MatrixXlsxView.as_view(), name="matrix_xlsx"),
    path("survey/", residents.ResidentStartView.as_view(), name="resident_start"),
    path(
        "survey/questions/<slug:category>/",
        residents.ResidentSectionView.as_view(),
        name="resident_section",
    ),
    path("survey/about-you/", residents.ResidentAboutView.as_view(), name="resident_about"),
    path("survey/check-answers/", residents.ResidentCheckView.as_view(), name="resident_check"),
    path("survey/thank-you/", residents.ResidentThanksView.as_view(), name="resident_thanks"),
    path("survey/results/", residents.ResidentResultsView.as_view(), name="resident_results"),
    path("survey/results.csv", residents.ResidentResultsCsvView.as_view(), name="resident_results_csv"),
]

service_urlpatterns = (
    [
        path("", officers.ServiceListView.as_view(), name="list"),
        path("<slug:slug>/", officers.ServiceDetailView.as_view(), name="detail"),
        path(
            "<slug:slug>/assessments/<int:pk>/",
            officers.AssessmentFormView.as_view(),
            name="assess",
        ),
    ],
    "services",
)

organisation_urlpatterns = (
    [path("<slug:slug>/", officers.OrganisationDetailView.as_view(), name="detail")],
    "organisations",
)

urlpatterns += [
    path("register/", registration.StartView.as_view(), name="register_start"),
    path("register/check/", registration.CheckView.as_view(), name="register_check"),
    path("register/done/", registration.DoneView.as_view(), name="register_done"),
    path("register/<slug:key>/", registration.StepView.as_view(), name="register_step"),
    path("update/", updates.LinkRequestView.as_view(), name="update_request"),
    path("update/requested/", updates.LinkRequestedView.as_view(), name="update_requested"),
    path("update/sent/", updates.UpdateSentView.as_view(), name="update_sent"),
    path("update/<str:token>/", updates.UpdateHomeView.as_view(), name="update"),
    path("update/<str:token>/confirm/", updates.ConfirmView.as_view(), name="update_confirm"),
    path("update/<str:token>/delete/", updates.EraseRequestView.as_view(), name="update_erase"),
    path("update/<str:token>/data.json", updates.DataDownloadView.as_view(), name="update_data"),
    path("update/<str:token>/change/check/", registration.UpdateCheckView.as_view(), name="update_check"),
    path("update/<str:token>/change/<slug:key>/", registration.UpdateStepView.as_view(), name="update_step"),
    path("moderation/", moderation.QueueView.as_view(), name="moderation"),
    path(
        "moderation/registrations/<int:pk>/",
        moderation.RegistrationReviewView.as_view(),
        name="moderation_registration",
    ),
    path("moderation/updates/<int:pk>/", moderation.UpdateReviewView.as_view(), name="moderation_update"),
]
