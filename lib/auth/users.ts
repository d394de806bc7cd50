// Users: the first admin (setup page or FLOWDECK_ADMIN_EMAIL/PASSWORD), and the admin's user
// management. Passwords are hashed with scrypt (passwords.ts); no plain password is stored or logged.
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { conflict, notFound, validationFailed } from "@/lib/services/errors";
import { hashPassword, passwordProblem } from "@/lib/auth/passwords";
import { userRoleSchema, type UserRole } from "@/lib/auth/roles";
import { newId } from "@/lib/auth/secrets";
import { SettingError } from "@/lib/workflow/setting-error";

/** The id of the first admin: a second concurrent setup collides on it and is refused. */
const FIRST_ADMIN_ID = "usr_first_admin";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+$/, "must be an email address, e.g. ada@example.com");

export const newUserSchema = z.object({
  email: emailSchema,
  name: z.string().trim().max(100).optional(),
  password: z.string(),
  role: userRoleSchema.default("viewer"),
});
export type NewUser = z.input<typeof newUserSchema>;

export type UserView = {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
  disabled: boolean;
  createdAt: string;
  lastLoginAt: string | null;
  createdBy: string | null;
};

type UserRow = { id: string; email: string; name: string | null; role: string; disabled: boolean; createdAt: Date; lastLoginAt: Date | null; createdBy: string | null };

export function userView(row: UserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as UserRole,
    disabled: row.disabled,
    createdAt: row.createdAt.toISOString(),
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    createdBy: row.createdBy,
  };
}

export async function hasAnyUser(db: Db): Promise<boolean> {
  return (await db.user.findFirst({ select: { id: true } })) !== null;
}

async function parseNewUser(input: unknown) {
  const user = newUserSchema.parse(input);
  const problem = passwordProblem(user.password);
  if (problem) throw validationFailed(problem, [{ path: "password", message: problem }]);
  return { ...user, passwordHash: await hashPassword(user.password) };
}

/** The setup page's first admin. Refused (409) once any user exists. */
export async function createFirstAdmin(db: Db, input: { email: string; password: string; name?: string }): Promise<UserView> {
  if (await hasAnyUser(db)) throw conflict("setup is already done: an account exists; sign in instead");
  const user = await parseNewUser({ ...input, role: "admin" });
  try {
    const row = await db.user.create({
      data: { id: FIRST_ADMIN_ID, email: user.email, name: user.name ?? null, role: "admin", passwordHash: user.passwordHash, createdBy: "setup" },
    });
    return userView(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict("setup is already done: an account exists; sign in instead");
    throw error;
  }
}

/**
 * FLOWDECK_ADMIN_EMAIL + FLOWDECK_ADMIN_PASSWORD: an admin for automation, created at start-up when
 * no user has that email (an existing one is left alone: its password is not reset).
 */
export async function ensureEnvAdmin(db: Db, env: Readonly<Record<string, string | undefined>> = process.env): Promise<string | null> {
  const email = env.FLOWDECK_ADMIN_EMAIL?.trim();
  const password = env.FLOWDECK_ADMIN_PASSWORD;
  if (!email && !password) return null;
  if (!email || !password) throw new Error("set both FLOWDECK_ADMIN_EMAIL and FLOWDECK_ADMIN_PASSWORD, or neither");
  const parsedEmail = emailSchema.safeParse(email);
  if (!parsedEmail.success) throw new SettingError(`FLOWDECK_ADMIN_EMAIL ${parsedEmail.error.issues[0]!.message}`);
  if (await db.user.findUnique({ where: { email: parsedEmail.data }, select: { id: true } })) return null;
  const problem = passwordProblem(password);
  if (problem) throw new SettingError(`FLOWDECK_ADMIN_PASSWORD: ${problem}`);
  const id = (await hasAnyUser(db)) ? newId("usr") : FIRST_ADMIN_ID;
  try {
    await db.user.create({ data: { id, email: parsedEmail.data, role: "admin", passwordHash: await hashPassword(password), createdBy: "FLOWDECK_ADMIN_EMAIL" } });
  } catch (error) {
    if (isUniqueViolation(error)) return null; // another process created it at the same moment
    throw error;
  }
  return parsedEmail.data;
}

export async function createUser(db: Db, input: unknown, actor: string): Promise<UserView> {
  const user = await parseNewUser(input);
  try {
    const row = await db.user.create({
      data: { id: newId("usr"), email: user.email, name: user.name ?? null, role: user.role, passwordHash: user.passwordHash, createdBy: actor },
    });
    return userView(row);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`a user with the email ${user.email} exists`, [{ path: "email", message: "is taken" }]);
    throw error;
  }
}

export async function listUsers(db: Db): Promise<UserView[]> {
  return (await db.user.findMany({ orderBy: { createdAt: "asc" } })).map(userView);
}

export const userUpdateSchema = z
  .object({ role: userRoleSchema.optional(), disabled: z.boolean().optional(), name: z.string().trim().max(100).optional(), password: z.string().optional() })
  .strict();

/**
 * An admin changes a user's role, name, password or disabled flag. The last enabled admin cannot
 * be demoted or disabled (nobody could manage users any more). Disabling or a new password ends
 * the user's sessions.
 */
export async function updateUser(db: Db, userId: string, input: unknown): Promise<UserView> {
  const change = userUpdateSchema.parse(input);
  const existing = await db.user.findUnique({ where: { id: userId } });
  if (!existing) throw notFound(`user ${userId} not found`);
  const losesAdmin = existing.role === "admin" && !existing.disabled && ((change.role && change.role !== "admin") || change.disabled === true);
  if (losesAdmin && (await db.user.count({ where: { role: "admin", disabled: false } })) <= 1) {
    throw conflict(`${existing.email} is the last admin; make another user admin first`);
  }
  let passwordHash: string | undefined;
  if (change.password !== undefined) {
    const problem = passwordProblem(change.password);
    if (problem) throw validationFailed(problem, [{ path: "password", message: problem }]);
    passwordHash = await hashPassword(change.password);
  }
  const row = await db.user.update({
    where: { id: userId },
    data: { role: change.role, disabled: change.disabled, name: change.name, ...(passwordHash ? { passwordHash } : {}) },
  });
  if (change.disabled || passwordHash) await db.session.deleteMany({ where: { userId } });
  return userView(row);
}

export async function deleteUser(db: Db, userId: string): Promise<void> {
  const existing = await db.user.findUnique({ where: { id: userId } });
  if (!existing) throw notFound(`user ${userId} not found`);
  if (existing.role === "admin" && !existing.disabled && (await db.user.count({ where: { role: "admin", disabled: false } })) <= 1) {
    throw conflict(`${existing.email} is the last admin; make another user admin first`);
  }
  await db.user.delete({ where: { id: userId } });
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: string }).code === "P2002";
}
