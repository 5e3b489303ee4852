//! Nothing here: the end-to-end scenarios live in `tests/`, the harness in `run.sh`.
