"""Pages that broke, confused or were hard to use (issue 18), on the demo workspace."""

from __future__ import annotations

import csv
import io
import re

import pytest

UNSCORED_WIJK = "WK059919"  # Nieuw Mathenesse: no veiligheid score (too little data)
UNSCORED_BUURT = "BU05991926"  # a buurt in it: the profile shows the wijk's scores


@pytest.mark.parametrize("code", [UNSCORED_WIJK, UNSCORED_BUURT])
def test_profile_of_an_area_without_a_score(client, code: str) -> None:  # noqa: ANN001
    page = client.get(f"/gebied/{code}")
    assert page.status_code == 200
    assert "niet beoordeeld: te weinig gegevens" in page.text
    api = client.get(f"/api/v1/gebied/{code}")
    assert api.status_code == 200
    by_code = {op["code"]: op for op in api.json()["opgaven"]}
    assert by_code["veiligheid"]["rank"] is None
    assert by_code["veiligheid"]["not_assessed"].startswith("niet beoordeeld")
    assert by_code["fysiek"]["not_assessed"] is None
    assert client.get(f"/api/v1/gebied/{code}.csv").status_code == 200


def test_priority_rank_one_is_the_most_urgent(client) -> None:  # noqa: ANN001
    api = client.get("/api/v1/overzicht?gemeente=GM0599").json()
    ranking = [r for r in api["ranking"] if r["rank"] is not None]
    scores = [r["score"]["value"] for r in ranking]
    assert scores == sorted(scores)  # lowest score first ...
    assert ranking[0]["rank"] == 1  # ... and that is priority 1
    assert ranking[0]["score_rank"] == len(ranking)  # the score's own rank: 1 = highest
    page = client.get("/?gemeente=GM0599").text
    assert "prioriteit 1 is het meest urgente gebied" in page
    first_row = page.split('<tr data-code="', 2)[1]
    assert re.search(r'<td data-value="1">1</td>', first_row)
    profile = client.get(f"/gebied/{ranking[0]['code']}").text
    assert "Rang 1 is de hoogste score" not in profile
    assert "Prioriteit 1 is het meest urgente gebied" in profile
    rows = list(csv.DictReader(io.StringIO("\n".join(
        line for line in client.get("/api/v1/ranglijst.csv?gemeente=GM0599").text.splitlines()
        if not line.startswith("#")))))
    assert rows[0]["rank"] == "1" and rows[0]["score_rank"] == str(len(ranking))
