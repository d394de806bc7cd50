import type { Metadata } from "next";
import { PageHeader } from "@/components/app-shell";
import { ApiReference } from "@/components/api-docs/api-reference";
import { requirePage } from "@/lib/server/page-auth";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "API reference" };

/** The REST API's reference (Swagger UI over /api/openapi.json), for every signed-in user. */
export default async function ApiDocsPage() {
  await requirePage("viewer", "/api-docs");
  return (
    <>
      <PageHeader
        title="API reference"
        description="Every route of the REST API, generated from the schemas the server validates with. Try a call: it runs with your session and your role. Scripts and CI use an API token (Authorize) or the flowdeck CLI."
      />
      <div className="p-4">
        <ApiReference url="/api/openapi.json" />
      </div>
    </>
  );
}
