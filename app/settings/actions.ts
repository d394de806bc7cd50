"use server";

// The settings page's writes (admin only): the same services as /api/tokens, /api/users and /api/secrets.
import { getDb } from "@/lib/db/client";
import { runAction, type ActionResult } from "@/lib/http/action";
import { actorOf } from "@/lib/auth/principal";
import { createApiToken, revokeApiToken, type TokenView } from "@/lib/auth/api-tokens";
import { createUser, deleteUser, updateUser, type UserView } from "@/lib/auth/users";
import { deleteSecret, setSecret, type SecretView } from "@/lib/secrets/service";

export async function createTokenAction(input: unknown): Promise<ActionResult<TokenView & { token: string }>> {
  return runAction("create token", "admin", (principal) => createApiToken(getDb(), input, actorOf(principal)));
}

export async function revokeTokenAction(tokenId: string): Promise<ActionResult<TokenView>> {
  return runAction("revoke token", "admin", () => revokeApiToken(getDb(), String(tokenId)));
}

export async function createUserAction(input: unknown): Promise<ActionResult<UserView>> {
  return runAction("create user", "admin", (principal) => createUser(getDb(), input, actorOf(principal)));
}

export async function updateUserAction(userId: string, change: unknown): Promise<ActionResult<UserView>> {
  return runAction("update user", "admin", () => updateUser(getDb(), String(userId), change));
}

export async function deleteUserAction(userId: string): Promise<ActionResult<null>> {
  return runAction("delete user", "admin", async () => {
    await deleteUser(getDb(), String(userId));
    return null;
  });
}

/** Creates or replaces a secret; the answer names it and never holds the value. */
export async function setSecretAction(name: string, value: string): Promise<ActionResult<{ created: boolean; secret: SecretView }>> {
  return runAction("set secret", "admin", (principal) => setSecret(getDb(), String(name), { value }, actorOf(principal)));
}

export async function deleteSecretAction(name: string): Promise<ActionResult<{ deleted: string }>> {
  return runAction("delete secret", "admin", () => deleteSecret(getDb(), String(name)));
}
