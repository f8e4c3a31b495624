// The main calls an app makes, written against a client generated from GridGov's OpenAPI document, as an app
// developer would write them: each call sends only the fields it needs. check.sh type-checks this file with
// `tsc --strict`; a document that demands a member the server treats as optional, types a number as
// `number | string`, or loses one of these operations makes it fail to compile. It is never run.
import createClient from "openapi-fetch";
import type { components, paths } from "./generated/v1";

type CaseView = components["schemas"]["CaseView"];

const client = createClient<paths>({
  baseUrl: "http://127.0.0.1:5000",
  headers: { "X-Api-Key": "gg_example" },
});

const district = "460204";

/** A resident reports a problem at a point; routing finds the grid. */
async function reportCase(): Promise<CaseView> {
  const { data, error } = await client.POST("/api/v1/cases", {
    headers: { "Idempotency-Key": "report-0001" },
    body: { category: "environment", description: "Rubbish piled at the gate", source: "residentApp", lat: 18.255, lon: 109.495 },
  });
  if (error !== undefined) {
    throw new Error(`report refused: ${error.title ?? "?"}`);
  }
  return data;
}

/** Staff move the case along its loop: file it (no body), dispatch it to a handler, rate it. */
async function actOnCase(id: string, version: number): Promise<CaseView> {
  const filed = await client.POST("/api/v1/cases/{id}/file", {
    params: { path: { id } },
    headers: { "If-Match": `"${version}"` },
  });
  if (filed.data === undefined) {
    throw new Error("file refused");
  }
  const dispatched = await client.POST("/api/v1/cases/{id}/dispatch", {
    params: { path: { id } },
    body: { assignee: "w-17" },
  });
  if (dispatched.data === undefined) {
    throw new Error("dispatch refused");
  }
  const evaluated = await client.POST("/api/v1/cases/{id}/evaluate", {
    params: { path: { id } },
    body: { satisfaction: 5 },
  });
  if (evaluated.data === undefined) {
    throw new Error("evaluate refused");
  }
  return evaluated.data;
}

/** Reads a case back; numbers are numbers, and a member that may be null says so. */
async function readCase(id: string): Promise<string> {
  const { data } = await client.GET("/api/v1/cases/{id}", { params: { path: { id } } });
  if (data === undefined) {
    return "not found";
  }
  const version: number = data.version;
  const reworks: number = data.reworks;
  const where: string = data.lat === null || data.lon === null ? data.gridCode : `${data.lat.toFixed(5)},${data.lon.toFixed(5)}`;
  const deadline: string | null = data.deadline;
  return `${data.id} ${data.state} v${version} (${reworks} reworks) at ${where}, due ${deadline ?? "-"}`;
}

/** Which grid holds a point. */
async function locate(lat: number, lon: number): Promise<string | null> {
  const { data } = await client.GET("/api/v1/locate", { params: { query: { lat, lon } } });
  return data?.grid?.code ?? data?.fallback?.code ?? null;
}

/** A district's households as CSV (one row per resident); small files are imported in the request. */
async function importHouseholds(csv: string): Promise<number> {
  const { data, response } = await client.POST("/api/v1/households/import", {
    body: csv,
    bodySerializer: (body) => body,
    headers: { "Content-Type": "text/csv" },
  });
  if (response.status === 202 || data === undefined) {
    return -1;
  }
  const created: number = "created" in data ? data.created : 0;
  return created;
}

/** A household written with only its address: no micro-grid, unit, tags or residents. */
async function putHousehold(id: string): Promise<number> {
  const { data } = await client.PUT("/api/v1/households/{id}", {
    params: { path: { id } },
    body: { gridCode: "460204001002001", building: "3", room: "201" },
  });
  return data?.version ?? 0;
}

/** An app subscribes to its district's case events. */
async function registerWebhook(): Promise<string> {
  const { data, error } = await client.POST("/api/v1/districts/{district}/webhooks", {
    params: { path: { district } },
    body: { url: "https://app.example.org/gridgov/events", events: ["*"] },
  });
  if (error !== undefined) {
    throw new Error(`webhook refused: ${error.title ?? "?"}`);
  }
  return data.secret;
}

/** An operator issues an app key that never expires. */
async function issueKey(): Promise<string> {
  const { data } = await client.POST("/api/v1/api-keys", {
    body: { name: "civic app", role: "app", scope: district },
  });
  return data?.key ?? "";
}

export async function main(): Promise<void> {
  const reported = await reportCase();
  const acted = await actOnCase(reported.id, reported.version);
  const csv = [
    "household_id,grid_code,micro_grid_code,building,unit,room,resident_name,gender,birth_year,relation,residence_type,id_number,phone,care_tags",
    "460204-H1,460204001002001,,3,1,201,王五,male,1960,householder,registered,,,",
  ].join("\n");
  console.log(
    await readCase(acted.id),
    await locate(18.255, 109.495),
    await importHouseholds(csv),
    await putHousehold("460204-H2"),
    await registerWebhook(),
    await issueKey(),
  );
}
