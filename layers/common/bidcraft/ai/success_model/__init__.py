"""The success model behind `POST /api/ai/predict/success` and every feed job's `win_probability`.

- `features.py` — what is known about a job and a bid (`SuccessFeatures`) and its design vector;
- `params.py` + `params.json` — the fitted global coefficients, market medians, base rates and prior strengths
  (a small versioned file, refitted offline by `python -m tests.eval.prediction --refit`);
- `fit.py` — logistic regression by IRLS and the method-of-moments prior strength, pure Python (offline);
- `history.py` — the user's decided proposals (won / decided, per category) from the analytics aggregates;
- `bidcraft.ai.prediction` puts them together (`model_for_user(...).estimate(...)`).
"""
