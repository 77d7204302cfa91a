"""TypeScript types generated from the served schema compile, strictly.

openapi-typescript and tsc are pinned in tools/typescript/package-lock.json
and installed by `make test` (`npm ci --prefix tools/typescript`); nothing is
downloaded while the tests run. Without them this test is skipped, saying so.
"""

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

TOOLS = (
    Path(__file__).resolve().parents[2]
    / "tools"
    / "typescript"
    / "node_modules"
    / ".bin"
)

# Under --strict an optional field is `T | undefined`: assigning one to a
# plain `T` fails to compile, so these lines also prove the fields required.
USE = """\
import type { components, paths } from "./api";

type Investor = components["schemas"]["Investor"];
type Stake = components["schemas"]["Stake"];
type Investors =
  paths["/api/v1/investors/"]["get"]["responses"][200]["content"]["application/json"];
type Stakes =
  paths["/api/v1/stakes/"]["get"]["responses"][200]["content"]["application/json"];

export function summary(page: Investors, stakes: Stakes): string {
  const count: number = page.count;
  const next: string | null = page.next;
  const first: Investor = page.results[0];
  const total: string = first.total_stake_usd;
  const country: string = first.country;
  const stake: Stake = stakes.results[0];
  const amount: string | null = stake.amount;
  const cursor: string | null = stakes.next;
  return `${count} ${next} ${first.name} ${total} ${country} ${amount} ${cursor}`;
}
"""


@pytest.mark.skipif(
    not (TOOLS / "openapi-typescript").exists() or not (TOOLS / "tsc").exists(),
    reason="openapi-typescript and typescript are not installed: `make test` "
    "installs them (npm ci --prefix tools/typescript).",
)
def test_typescript_types_from_the_served_schema_compile(api, tmp_path):
    response = api.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    (tmp_path / "schema.json").write_text(json.dumps(response.json()))
    (tmp_path / "use.ts").write_text(USE)

    subprocess.run(
        [TOOLS / "openapi-typescript", "schema.json", "--output", "api.d.ts"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        timeout=300,
    )
    compiled = subprocess.run(
        [
            TOOLS / "tsc",
            "--noEmit",
            "--strict",
            "--target",
            "es2020",
            "api.d.ts",
            "use.ts",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
