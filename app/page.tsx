import { redirect } from "next/navigation";

// The dashboard comes with the monitor; until then the workflows are the home page.
export default function HomePage() {
  redirect("/workflows");
}
