from django.urls import path

from . import once_views, staff_views, views

app_name = "console"
urlpatterns = [
    path("", views.search, name="search"),
    path("home/", views.home, name="home"),
    path("administration/", views.administration, name="administration"),
    path("people/<id:person_id>/", views.person_detail, name="person"),
    path("people/<id:person_id>/audit/", views.person_audit, name="person_audit"),
    path("people/<id:person_id>/merge/", views.person_merge, name="person_merge"),
    path("people/<id:person_id>/records/<id:record_id>/split/", views.record_split_off, name="record_split"),
    path("merges/<id:merge_id>/undo/", views.merge_undo, name="merge_undo"),
    path("splits/<id:split_id>/undo/", views.split_undo, name="split_undo"),
    path("review/", views.review_list, name="review"),
    path("review/<id:pair_id>/", views.review_pair, name="review_pair"),
    path("purpose/", views.purpose, name="purpose"),
    # Staff accounts (separation of duties)
    path("staff/", staff_views.staff_accounts, name="staff_accounts"),
    path("staff/new/", staff_views.staff_account_new, name="staff_account_new"),
    path("staff/<int:user_id>/", staff_views.staff_account, name="staff_account"),
    path("staff/requests/", staff_views.staff_requests, name="staff_requests"),
    path("staff/requests/<int:grant_id>/", staff_views.staff_request_decide, name="staff_request_decide"),
    path("staff/audit/", staff_views.staff_audit, name="staff_audit"),
    path("audit/", staff_views.audit_log, name="audit"),
    # Tell us once (docs/once.md)
    path("people/<id:person_id>/changes/", once_views.person_changes, name="once_person"),
    path("people/<id:person_id>/changes/<slug:event_type>/", once_views.report, name="once_report"),
    path("changes/<id:report_id>/", once_views.status, name="once_status"),
    path("changes/<id:report_id>/check/", once_views.check, name="once_check"),
    path("deliveries/failed/", once_views.dead_letters, name="once_dead_letters"),
    path("deliveries/<id:delivery_id>/retry/", once_views.retry, name="once_retry"),
    path("subscribers/", once_views.subscribers, name="once_subscribers"),
    path("subscribers/new/", once_views.subscriber_new, name="once_subscriber_new"),
    path("subscribers/<id:subscriber_id>/", once_views.subscriber_edit, name="once_subscriber_edit"),
    path("subscribers/<id:subscriber_id>/secret/", once_views.subscriber_rotate, name="once_subscriber_rotate"),
    path("open311-clients/", staff_views.api_clients, name="api_clients"),
]
