import { ButtonLink } from "@/components/ui/button";

export default function NotFound() {
  return (
    <div className="flex flex-col items-center px-6 py-24 text-center">
      <p className="text-sm font-medium text-accent-600">404</p>
      <h1 className="mt-2 text-xl font-semibold">Not found</h1>
      <p className="mt-1 text-sm text-zinc-500">There is nothing at this address.</p>
      <ButtonLink href="/workflows" className="mt-6">
        Back to workflows
      </ButtonLink>
    </div>
  );
}
