"""The three candidate families, their budgeted Bayesian hyperparameter search (optuna TPE, fixed trial budget
and seed) and the pre-registered choice between them.

Pre-registered criterion (also in training/README.md): ship the family with the highest mean time-based CV
ROC AUC, population-weighted. ROC AUC because the calibrator fixes probabilities but cannot fix ranking.
A family within 0.005 of the best loses to logistic regression if that is among them (simpler to audit).
"""
from __future__ import annotations

import numpy as np

N_JOBS = 2
TRIALS = {"logistic": 6, "random_forest": 12, "xgboost": 12}
TIE_MARGIN = 0.005


def make(family: str, params: dict, seed: int):
    if family == "logistic":
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import StandardScaler
        return Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler()),
                         ("model", LogisticRegression(C=params["C"], max_iter=2000))])
    if family == "random_forest":
        from sklearn.ensemble import RandomForestClassifier
        return RandomForestClassifier(n_estimators=params["n_estimators"], max_depth=params["max_depth"],
                                      min_samples_leaf=params["min_samples_leaf"],
                                      max_features=params["max_features"], random_state=seed, n_jobs=N_JOBS)
    if family == "xgboost":
        import xgboost as xgb
        return xgb.XGBClassifier(n_estimators=params["n_estimators"], max_depth=params["max_depth"],
                                 learning_rate=params["learning_rate"], min_child_weight=params["min_child_weight"],
                                 subsample=0.8, colsample_bytree=0.8, reg_lambda=1.0, objective="binary:logistic",
                                 eval_metric="logloss", random_state=seed, n_jobs=N_JOBS, tree_method="hist")
    raise ValueError(family)


def predict(model, X):
    """P(failure). A forest predicts single-threaded: its threads add tree outputs in a racy order, which
    changes the last bit, and riskd (like the pipeline) adds them in tree order."""
    if hasattr(model, "estimators_"):
        model.set_params(n_jobs=1)
    return model.predict_proba(X)[:, 1]


def suggest(family: str, trial) -> dict:
    if family == "logistic":
        return {"C": trial.suggest_float("C", 1e-3, 10.0, log=True)}
    if family == "random_forest":
        return {"n_estimators": trial.suggest_int("n_estimators", 50, 200, step=50),
                "max_depth": trial.suggest_int("max_depth", 3, 10),
                "min_samples_leaf": trial.suggest_int("min_samples_leaf", 1, 40, log=True),
                "max_features": trial.suggest_float("max_features", 0.3, 1.0)}
    return {"n_estimators": trial.suggest_int("n_estimators", 50, 300, step=50),
            "max_depth": trial.suggest_int("max_depth", 2, 6),
            "learning_rate": trial.suggest_float("learning_rate", 0.01, 0.3, log=True),
            "min_child_weight": trial.suggest_float("min_child_weight", 1.0, 50.0, log=True)}


def cv_score(family: str, params: dict, folds, names, seed: int) -> dict:
    from sklearn.metrics import roc_auc_score
    aucs = []
    for fit, val, _ in folds:
        model = make(family, params, seed).fit(fit[names], fit.label)
        p = predict(model, val[names])
        aucs.append(float(roc_auc_score(val.label, p, sample_weight=val.weight)))
    return {"fold_roc_auc": aucs, "mean_roc_auc": float(np.mean(aucs)), "sd_roc_auc": float(np.std(aucs))}


def search(folds, names, seed: int) -> dict:
    import optuna
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    results = {}
    for family, budget in TRIALS.items():
        def objective(trial, family=family):
            return cv_score(family, suggest(family, trial), folds, names, seed)["mean_roc_auc"]
        study = optuna.create_study(direction="maximize", sampler=optuna.samplers.TPESampler(seed=seed))
        study.optimize(objective, n_trials=budget)
        best = dict(study.best_params)
        results[family] = {"params": best, "trials": budget, **cv_score(family, best, folds, names, seed)}
        print(f"search {family}: {budget} trials, best CV ROC AUC {results[family]['mean_roc_auc']:.4f} {best}",
              flush=True)
    return results


def choose(results: dict) -> str:
    best = max(results, key=lambda f: results[f]["mean_roc_auc"])
    top = results[best]["mean_roc_auc"]
    if best != "logistic" and "logistic" in results and top - results["logistic"]["mean_roc_auc"] <= TIE_MARGIN:
        return "logistic"
    return best
