"""Officers' pages. Service and organisation pages live here because they show interests,
but keep their own URL namespaces (`services:detail`, `organisations:detail`)."""

from django.urls import path

from .views import journey, matrix, moderation, organisations, resident, services, updates

app_name = "surveys"

urlpatterns = [
    path("matrix/", matrix.MatrixView.as_view(), name="matrix"),
    path("matrix.csv", matrix.MatrixCsvView.as_view(), name="matrix_csv"),
    path("matrix.xlsx", matrix.MatrixXlsxView.as_view(), name="matrix_xlsx"),
    path("survey/", resident.ResidentStartView.as_view(), name="resident_start"),
    path(
        "survey/questions/<slug:category>/",
        resident.ResidentSectionView.as_view(),
        name="resident_section",
    ),
    path("survey/about-you/", resident.ResidentAboutView.as_view(), name="resident_about"),
    path("survey/check-answers/", resident.ResidentCheckView.as_view(), name="resident_check"),
    path("survey/thank-you/", resident.ResidentThanksView.as_view(), name="resident_thanks"),
    path("survey/results/", resident.ResidentResultsView.as_view(), name="resident_results"),
    path("survey/results.csv", resident.ResidentResultsCsvView.as_view(), name="resident_results_csv"),
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

urlpatterns += [
    path("register/", journey.StartView.as_view(), name="register_start"),
    path("register/check/", journey.CheckView.as_view(), name="register_check"),
    path("register/done/", journey.DoneView.as_view(), name="register_done"),
    path("register/<slug:key>/", journey.StepView.as_view(), name="register_step"),
    path("update/", updates.LinkRequestView.as_view(), name="update_request"),
    path("update/requested/", updates.LinkRequestedView.as_view(), name="update_requested"),
    path("update/sent/", updates.UpdateSentView.as_view(), name="update_sent"),
    path("update/<str:token>/", updates.UpdateHomeView.as_view(), name="update"),
    path("update/<str:token>/confirm/", updates.ConfirmView.as_view(), name="update_confirm"),
    path("update/<str:token>/delete/", updates.EraseRequestView.as_view(), name="update_erase"),
    path("update/<str:token>/data.json", updates.DataDownloadView.as_view(), name="update_data"),
    path("update/<str:token>/change/check/", journey.UpdateCheckView.as_view(), name="update_check"),
    path("update/<str:token>/change/<slug:key>/", journey.UpdateStepView.as_view(), name="update_step"),
    path("moderation/", moderation.QueueView.as_view(), name="moderation"),
    path(
        "moderation/registrations/<int:pk>/",
        moderation.RegistrationReviewView.as_view(),
        name="moderation_registration",
    ),
    path("moderation/updates/<int:pk>/", moderation.UpdateReviewView.as_view(), name="moderation_update"),
]
