"""Background tasks (django-tasks, database backend): run by `manage.py db_worker`."""

from django_tasks import task

from crm.integrations import webhooks


@task()
def dispatch_changes():
    """Turn new changes into webhook deliveries; run again while more remain."""
    if webhooks.dispatch():
        dispatch_changes.enqueue()


@task()
def deliver_record(endpoint_id: int, record_key: str):
    """Send one record's due deliveries to one endpoint, in order."""
    webhooks.deliver_record(endpoint_id, record_key)
