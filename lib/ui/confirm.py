"""Irreversible actions of a comité (validating a répartition, restoring a version): a button, a
confirmation dialog that says what will happen, then the result shown at once.

    confirmed_action("Valider cette répartition", "Valider la répartition 2010 ?",
                     "Les quotas simulés remplacent ceux en vigueur.", key="valider", action=do_it)

`action()` does the work and returns the French sentence to show; it runs only after
« Confirmer ». The app then reruns (everything on the page is measured against the new
state) and `show_result(key)` prints the sentence where the page calls it; a refused
action (an exception the caller names in `refus`) shows its message instead.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

RESULT = "_resultat_action_"
PENDING = "_confirmation_demandee_"


def confirmed_action(
    label: str,
    question: str,
    consequence: str,
    key: str,
    action: Callable[[], str],
    confirm_label: str = "Confirmer",
    refus: tuple[type[Exception], ...] = (),
) -> None:
    """A primary button opening a confirmation dialog; `action` runs on « Confirmer » only.

    The open dialog is remembered in the session (until Confirmer, Annuler or a click outside):
    a rerun of the page while it is open keeps it open instead of losing the question."""
    if st.button(label, type="primary", key=key):
        st.session_state[PENDING + key] = True
    if st.session_state.get(PENDING + key):
        _dialog(question, consequence, key, action, confirm_label, refus)


def _dialog(
    question: str,
    consequence: str,
    key: str,
    action: Callable[[], str],
    confirm_label: str,
    refus: tuple[type[Exception], ...],
) -> None:
    def close() -> None:
        st.session_state.pop(PENDING + key, None)

    @st.dialog(question, on_dismiss=close)
    def ask() -> None:
        st.markdown(consequence)
        ok, cancel = st.columns(2)
        if ok.button(confirm_label, type="primary", key=f"{key}-confirmer", width="stretch"):
            close()
            try:
                st.session_state[RESULT + key] = ("succes", action())
            except refus as exc:  # a refusal the caller expects (bad input, missing right): said, nothing done
                st.session_state[RESULT + key] = ("refus", str(exc))
            st.rerun()
        if cancel.button("Annuler", key=f"{key}-annuler", width="stretch"):
            close()
            st.rerun()

    ask()


def show_result(key: str) -> None:
    """The sentence of the last confirmed action `key`, once (success in green, refusal in red)."""
    kind, message = st.session_state.pop(RESULT + key, (None, None))
    if kind == "succes":
        st.success(message, icon=":material/check_circle:")
    elif kind == "refus":
        st.error(message, icon=":material/error:")
