"""An example state-hub: FastAPI + SQLite, conforming to the kaizen contract's hub rules (profile v2)."""
