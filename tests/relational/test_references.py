"""The primary parent of a child table, and how its other foreign keys are derived, drawn or pointed back."""

from __future__ import annotations

import numpy as np
import pandas as pd

from synthdata.relational.layout import DatabaseLayout, Link
from synthdata.relational.references import choose_primary, learn_references, take


def clinic(seed: int = 0) -> tuple[DatabaseLayout, dict[str, pd.DataFrame]]:
    """Patients own visits; a visit's provider is drawn from a few busy ones, its clinic is its provider's."""
    rng = np.random.default_rng(seed)
    clinics = pd.DataFrame({"id": [f"c{i}" for i in range(5)]})
    providers = pd.DataFrame({"id": [f"p{i}" for i in range(80)], "clinic": rng.choice(clinics["id"], 80)})
    patients = pd.DataFrame({"id": [f"x{i}" for i in range(30)]})
    visits = pd.DataFrame({"patient": np.repeat(patients["id"], 5).to_numpy()})
    visits["provider"] = rng.choice(providers["id"], len(visits), p=np.r_[[0.5], np.full(79, 0.5 / 79)])
    visits["clinic"] = providers.set_index("id").loc[visits["provider"], "clinic"].to_numpy()
    frames = {"clinics": clinics, "providers": providers, "patients": patients, "visits": visits}
    links = [
        Link("providers", "clinic", "clinics", "id"),
        Link("visits", "patient", "patients", "id"),
        Link("visits", "provider", "providers", "id"),
        Link("visits", "clinic", "clinics", "id"),
    ]
    return DatabaseLayout(list(frames), {name: "id" for name in frames if name != "visits"}, links), frames


def test_the_owning_parent_is_primary_and_the_others_are_drawn_or_derived():
    layout, frames = clinic()
    primary = choose_primary("visits", layout, frames)
    assert primary == Link("visits", "patient", "patients", "id")
    references = learn_references("visits", primary, layout, frames)
    assert [(reference.link.column, reference.mode) for reference in references] == [
        ("provider", "drawn"),
        ("clinic", "derived"),
    ]
    assert references[1].source == Link("visits", "provider", "providers", "id") and references[1].via == "clinic"
    assert choose_primary("visits", layout, frames, named="provider").column == "provider"


def test_positions_resolve_against_the_generated_parents():
    layout, frames = clinic()
    references = learn_references("visits", choose_primary("visits", layout, frames), layout, frames)
    made = {name: frames[name] for name in ("clinics", "providers", "patients")}
    rng = np.random.default_rng(1)
    found = {"patient": np.repeat(np.arange(30), 5)}
    for reference in references:
        found[reference.link.column] = reference.positions(found, made, 150, rng)
    providers = frames["providers"].iloc[found["provider"]]
    assert (frames["clinics"]["id"].to_numpy()[found["clinic"]] == providers["clinic"].to_numpy()).all()
    # Providers are weighted like real ones, most of which see no visit (uniform draws would leave ~15% idle).
    idle = (np.bincount(found["provider"], minlength=80) == 0).mean()
    real_idle = 1 - frames["providers"]["id"].isin(frames["visits"]["provider"]).mean()
    assert idle > 0.3 and abs(idle - real_idle) < 0.15


def test_a_self_reference_points_at_the_row_itself_or_an_earlier_one():
    frames = {"staff": pd.DataFrame({"id": range(50), "manager": [None, *range(49)]})}
    layout = DatabaseLayout(["staff"], {"staff": "id"}, [Link("staff", "manager", "staff", "id")])
    (reference,) = learn_references("staff", None, layout, frames)
    positions = reference.positions({}, {}, 1000, np.random.default_rng(0))
    assert reference.mode == "earlier" and (positions <= np.arange(1000)).all()
    assert 0 < (positions == -1).mean() < 0.1


def test_take_keeps_integer_keys_with_nulls():
    keys = pd.Series([10, 20, 30])
    assert take(keys, np.array([2, -1, 0])).tolist() == [30, pd.NA, 10]
    assert take(keys, np.array([1, 1])).dtype == np.int64
    assert take(keys.iloc[:0], np.array([-1, -1])).isna().all()
