// Compiled with `tsc --noEmit --strict` against the types openapi-typescript
// generates from openapi/dist: proves the bundles type-check for TypeScript users.
import type { components as V1, paths as V1Paths } from "./heymilo-v1";
import type { components as V2, paths as V2Paths } from "./heymilo-v2";

type Candidate = V2["schemas"]["CandidateResponse"];
type CandidatePage = V2["schemas"]["ListResponse_CandidateResponse_"];
type ListQuery = NonNullable<V2Paths["/api/v2/postings/{posting_id}/candidates"]["get"]["parameters"]["query"]>;
type ErrorBody = V2["schemas"]["ErrorBody"];
type Posting = V1["schemas"]["Posting"];
type IngestBody = V1Paths["/ingest/x/{url_key}"]["post"]["requestBody"];

const candidate: Candidate = {
  interview_id: "D536A69A4090E13F",
  posting_id: "13D77095",
  name: "Jane Smith",
  email: "jane@example.com",
  status: "completed",
  score: null,
  // Fields with a default are always present in responses.
  object: "candidate",
  shortlisted: false,
  dismissed: false,
};
const page: CandidatePage = { data: [candidate], pagination: { has_more: false, total_count: 1 } };
const query: ListQuery = { limit: 100, starting_after: page.data[0].interview_id };
const failure: ErrorBody = { error: { type: "invalid_request_error", code: "invalid_date_range", message: "m" } };
const posting: Posting = { posting_id: "13D77095", title: "Backend Engineer" };
const ingest: IngestBody = {
  content: { "application/json": { name: "Jane Doe", email: "jane@example.com", retake: false } },
};

export const used = [candidate, page, query, failure, posting, ingest];
