"""The page, one module per tab: each has `build(lab)`, which lays out its tab inside the open
`gr.Blocks`, wires its events to plain functions from `lab/`, and returns the components other
tabs need. `app.py` composes them."""
