"""The app's logic as plain, tested functions; `app.py` only lays out the UI and wires events."""
