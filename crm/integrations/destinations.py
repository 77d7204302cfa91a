"""Where webhooks may be sent: not to this network's own machines.

A URL whose host resolves to a loopback, private, link-local or otherwise
reserved address is refused (it would let a subscriber probe or call
internal services), unless WEBHOOKS_ALLOW_PRIVATE is set (tests, and
`make run` on loopback). Checked when the endpoint is saved and again before
each attempt (a name can resolve elsewhere later). Plain http is refused in
production.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _


class RefusedDestination(ValueError):
    pass


def check(url):
    """Raise RefusedDestination unless `url` may receive webhooks."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http"):
        raise RefusedDestination(_("Use an https:// URL."))
    if parts.scheme == "http" and settings.IS_PRODUCTION:
        raise RefusedDestination(
            _("Use an https:// URL: http is refused in production.")
        )
    if not parts.hostname:
        raise RefusedDestination(_("The URL names no host."))
    if settings.WEBHOOKS_ALLOW_PRIVATE:
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, ValueError) as error:
        raise RefusedDestination(
            f"The host {parts.hostname} cannot be resolved."
        ) from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global or address.is_multicast:
            raise RefusedDestination(
                f"The host {parts.hostname} resolves to {address}, a private, "
                "loopback or reserved address."
            )
