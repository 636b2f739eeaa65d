"""The server to run: `streamlit run asgi.py` (app.py is its script; AppTest runs app.py directly).

It adds one HTTP route to Streamlit's own, the one that sets the session cookie HttpOnly
(lib.session_cookie): a page cannot send a Set-Cookie header by itself.
"""

import streamlit as st

from lib.session_cookie import routes

app = st.App("app.py", routes=routes())
