"""Where the current request comes from, for the throttling of logins and the audit log."""

from __future__ import annotations

LOCALE = "127.0.0.1"


def client_address() -> str | None:
    """The browser's address in a Streamlit session; None outside one (command line, tests of lib).

    Streamlit hides a loopback connection (`st.context.ip_address` is None): it is either a browser on
    the server itself or the reverse proxy of the deployment. Only then is the proxy's
    X-Forwarded-For trusted, and only its last entry (the one the proxy wrote; earlier ones come from
    the client and can be forged)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    import streamlit as st

    ip, forwarded = st.context.ip_address, st.context.headers.get("X-Forwarded-For")
    if isinstance(ip, str) and ip:  # (AppTest's mocked runtime gives no str: the loopback then)
        return ip[:64]
    last = forwarded.split(",")[-1].strip() if isinstance(forwarded, str) else ""
    return last[:64] or LOCALE
