/**
 * FLOWDECK_HTTP_ALLOWED_HOSTS: what an installation opens beyond the default (public unicast
 * addresses only, lib/net/address-policy.ts), and the check of one destination against both. Pure:
 * the caller resolves DNS and passes every address it will connect to.
 *
 * Entries, comma-separated, each optionally restricted to one port:
 *
 * | entry | opens |
 * |---|---|
 * | `api.internal`, `api.internal:8443` | that host name (whatever it resolves to), on any port / that port |
 * | `127.0.0.1`, `127.0.0.1:8080` | that address (however the URL writes it: `2130706433`, `0x7f.1`, `[::ffff:127.0.0.1]`) |
 * | `10.0.0.0/8`, `10.0.0.0/8:443` | a range |
 * | `[::1]:8080`, `[fd00::]/8:443`, `fd00::/8` | IPv6 (brackets are needed for a port) |
 *
 * A host name entry trusts the name's DNS: use an address or a range where DNS is not trusted.
 * FLOWDECK_HTTP_ALLOW_PUBLIC=false closes public addresses too, so that only the entries are open.
 */
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { classifyParsed, parseAddress, unwrapIPv4, type AddressClass, type ParsedAddress } from "@/lib/net/address-policy";

export const ALLOWED_HOSTS_SETTING = "FLOWDECK_HTTP_ALLOWED_HOSTS";
export const ALLOW_PUBLIC_SETTING = "FLOWDECK_HTTP_ALLOW_PUBLIC";

export type AllowEntry =
  | { kind: "host"; host: string; port?: number; source: string }
  | { kind: "range"; range: [ParsedAddress, number]; port?: number; source: string };

export type NetworkPolicy = {
  entries: AllowEntry[];
  /** Public unicast addresses are open without an entry. @default true */
  allowPublic: boolean;
};

/** A destination as it will be connected to: the URL's host name and port, and every address. */
export type Destination = { hostname: string; port: number; addresses: string[] };

export type DestinationVerdict =
  | { allowed: true }
  | {
      allowed: false;
      /** The first address refused, with why (its class). */
      address: AddressClass;
      /** Entries that name this host or address but another port. */
      otherPorts: AllowEntry[];
      /** A suggested entry that would open it. */
      suggestion: string;
    };

/** A bad entry in FLOWDECK_HTTP_ALLOWED_HOSTS, naming it and its position. */
export class AllowListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AllowListError";
  }
}

const BRACKETED = /^\[([^\]]+)\](?:\/(\d{1,3}))?(?::(\d{1,5}))?$/;
const BARE_IPV6 = /^([0-9a-fA-F:.]+)(?:\/(\d{1,3}))?$/;
const HOST_OR_IPV4 = /^([^/:\s[\]]+)(?:\/(\d{1,2}))?(?::(\d{1,5}))?$/;
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** Parses the setting's value. Throws AllowListError naming the first bad entry. */
export function parseAllowList(raw: string | undefined): AllowEntry[] {
  const entries: AllowEntry[] = [];
  const parts = (raw ?? "").split(",").map((part) => part.trim());
  parts.forEach((part, index) => {
    if (part === "") return;
    entries.push(parseEntry(part, index + 1));
  });
  return entries;
}

function parseEntry(source: string, position: number): AllowEntry {
  const fail = (why: string): never => {
    throw new AllowListError(`${ALLOWED_HOSTS_SETTING}: entry ${position} '${source}' ${why}; expected a host, an IP address or a CIDR range, each optionally with :port (e.g. api.internal, 127.0.0.1:8080, 10.0.0.0/8, [::1]:8080)`);
  };
  const match = BRACKETED.exec(source) ?? (source.split(":").length > 2 ? BARE_IPV6.exec(source) : HOST_OR_IPV4.exec(source));
  if (!match) return fail("is not understood");
  const [, target, bits, portText] = match as unknown as [string, string, string | undefined, string | undefined];
  const bracketed = source.startsWith("[");
  const port = portText === undefined ? undefined : Number(portText);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) fail(`has port ${portText}, outside 1–65535`);
  if (bracketed && isIP(target) !== 6) fail("has brackets around something that is not an IPv6 address");

  const literal = addressOfEntry(target, bracketed, fail);
  if (literal) {
    const maxBits = isIP(target) === 6 ? 128 : 32;
    const prefix = bits === undefined ? maxBits : Number(bits);
    if (prefix > maxBits) fail(`has prefix /${bits}, longer than ${maxBits}`);
    // ::ffff:10.0.0.0/104 is 10.0.0.0/8 (destinations are unwrapped the same way).
    const mappedPrefix = maxBits === 128 && literal.kind() === "ipv4" ? prefix - 96 : prefix;
    if (mappedPrefix < 0) fail(`has prefix /${bits}, shorter than the /96 of IPv4-mapped addresses`);
    return { kind: "range", range: [literal, mappedPrefix], port, source };
  }
  if (bits !== undefined) fail("has a /prefix after a host name");
  const host = normaliseHostName(target);
  if (!host || !HOST_NAME.test(host)) return fail("is not a valid host name");
  return { kind: "host", host, port, source };
}

/**
 * The address an entry names, or null for a host name. IPv4 in any form the URL parser reads
 * (`2130706433`, `0x7f.1`) is dotted decimal afterwards. An IPv4-mapped IPv6 address is its IPv4
 * address (destinations are unwrapped the same way); IPv6 forms that embed IPv4 otherwise
 * (::ffff:0:a.b.c.d, 64:ff9b::/96) are refused: their ranges would open IPv4 ranges unseen.
 */
function addressOfEntry(target: string, bracketed: boolean, fail: (why: string) => never): ParsedAddress | null {
  if (isIP(target) === 6) {
    const v6 = ipaddr.IPv6.parse(target);
    if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
    if (unwrapIPv4(v6).kind() === "ipv4") fail("is an IPv6 form of an IPv4 address; write the IPv4 address or range instead");
    return v6;
  }
  if (bracketed) return null;
  const host = normaliseHostName(target);
  return host && isIP(host) === 4 ? ipaddr.IPv4.parse(host) : null;
}

/** Lower case, IDN to punycode, numeric IPv4 forms to dotted decimal: as the WHATWG URL parser does. */
function normaliseHostName(target: string): string | null {
  try {
    return stripDot(new URL(`http://${target}/`).hostname);
  } catch {
    return null;
  }
}

function stripDot(host: string): string {
  return host.endsWith(".") ? host.slice(0, -1) : host;
}

/** Reads both settings; throws AllowListError (or an Error naming the setting) on a bad value. */
export function policyFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): NetworkPolicy {
  const rawPublic = env[ALLOW_PUBLIC_SETTING]?.trim().toLowerCase();
  if (rawPublic && rawPublic !== "true" && rawPublic !== "false") {
    throw new AllowListError(`${ALLOW_PUBLIC_SETTING} must be 'true' or 'false'; got '${env[ALLOW_PUBLIC_SETTING]}'`);
  }
  return { entries: parseAllowList(env[ALLOWED_HOSTS_SETTING]), allowPublic: rawPublic !== "false" };
}

function portMatches(entry: AllowEntry, port: number): boolean {
  return entry.port === undefined || entry.port === port;
}

function targets(entry: AllowEntry, hostname: string, address: ParsedAddress): boolean {
  if (entry.kind === "host") return entry.host === hostname;
  const [base, bits] = entry.range;
  return base.kind() === address.kind() && address.match(base, bits);
}

/**
 * Checks a destination: every address must be open (public unicast while allowPublic, or named
 * by an entry — by the host name or by address/range — on this port). The first address refused
 * is returned with why; one refused address refuses the call (a name that resolves to a public and
 * a private address is how DNS rebinding starts).
 */
export function checkDestination(policy: NetworkPolicy, destination: Destination): DestinationVerdict {
  const hostname = stripDot(destination.hostname.toLowerCase().replace(/^\[|\]$/g, ""));
  for (const text of destination.addresses) {
    const parsed = parseAddress(text);
    if (!parsed) throw new Error(`'${text}' is not an IP address`);
    const address = unwrapIPv4(parsed);
    const named = policy.entries.filter((entry) => targets(entry, hostname, address));
    if (named.some((entry) => portMatches(entry, destination.port))) continue;
    const verdict = classifyParsed(address);
    if (verdict.publicUnicast && policy.allowPublic) continue;
    const isName = parseAddress(hostname) === null;
    const suggestion = `${isName ? hostname : formatHost(verdict.address)}:${destination.port}`;
    return { allowed: false, address: verdict, otherPorts: named, suggestion };
  }
  return { allowed: true };
}

function formatHost(address: string): string {
  return address.includes(":") ? `[${address}]` : address;
}

/** Words for a refusal: what was refused, why, and the setting (with an entry) that opens it. */
export function describeRefusal(destination: Destination, verdict: Extract<DestinationVerdict, { allowed: false }>, policy: NetworkPolicy): string {
  const { address } = verdict;
  const host = destination.hostname;
  const what = parseAddress(host) === null ? `${host} resolves to ${address.address}, which` : `${address.address}`;
  const why = address.publicUnicast ? `a public address, and ${ALLOW_PUBLIC_SETTING}=false allows only the entries of ${ALLOWED_HOSTS_SETTING}` : address.reason;
  const ports = verdict.otherPorts.length > 0 ? ` (${ALLOWED_HOSTS_SETTING} has ${verdict.otherPorts.map((entry) => `'${entry.source}'`).join(", ")}, which does not include port ${destination.port})` : "";
  const hint = policy.entries.length === 0 ? `set ${ALLOWED_HOSTS_SETTING}=${verdict.suggestion}` : `add ${verdict.suggestion} to ${ALLOWED_HOSTS_SETTING}`;
  return `${what} is ${why}${ports}; http tasks may not call it by default: ${hint} to allow it`;
}
