/**
 * Which IP addresses an `http` task may reach by default: the pure classification of one address
 * (no DNS, no sockets). Parsing and the special ranges come from ipaddr.js (the IANA special-purpose
 * registries, RFC 6890); nothing here parses an address by hand.
 *
 * Only global unicast addresses are open by default. Everything else — loopback, private
 * (RFC 1918), link-local (incl. the cloud metadata address 169.254.169.254), carrier-grade NAT
 * (100.64.0.0/10), unique-local (fc00::/7), unspecified (0.0.0.0, ::), multicast, broadcast,
 * documentation/benchmarking/reserved ranges and the IPv6 transition ranges — is refused unless
 * FLOWDECK_HTTP_ALLOWED_HOSTS opens it (lib/net/allow-list.ts).
 *
 * IPv6 forms that carry an IPv4 address are classified by that IPv4 address: IPv4-mapped
 * (::ffff:127.0.0.1), IPv4-translated (::ffff:0:127.0.0.1, RFC 6145) and NAT64 well-known prefix
 * (64:ff9b::127.0.0.1, RFC 6052): a NAT64 gateway would forward them to the embedded address.
 */
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";

export type ParsedAddress = ipaddr.IPv4 | ipaddr.IPv6;

/** Why an address is closed by default: the ipaddr.js range name and words for people. */
export type AddressClass = {
  /** The address as classified (an embedded IPv4 address when the IPv6 form carries one). */
  address: string;
  /** ipaddr.js range name (`unicast` for a global unicast address). */
  range: string;
  /** false for anything but global unicast. */
  publicUnicast: boolean;
  /** "a loopback address (127.0.0.0/8, ::1)" — empty for a public address. */
  reason: string;
};

/** The cloud metadata services' link-local (and AWS's IPv6 unique-local) addresses. */
const METADATA_ADDRESSES = new Set(["169.254.169.254", "fd00:ec2::254"]);

const REASONS: Record<string, string> = {
  loopback: "a loopback address (127.0.0.0/8, ::1)",
  private: "a private address (RFC 1918: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)",
  linkLocal: "a link-local address (169.254.0.0/16, fe80::/10)",
  carrierGradeNat: "a carrier-grade NAT address (100.64.0.0/10)",
  uniqueLocal: "a unique-local address (fc00::/7)",
  deprecatedSiteLocal: "a site-local address (fec0::/10)",
  unspecified: "the unspecified address (0.0.0.0/8, ::), which reaches this machine",
  multicast: "a multicast address",
  broadcast: "the broadcast address",
  reserved: "a reserved, documentation or benchmarking address",
  benchmarking: "a benchmarking address",
  rfc6052: "a local-use NAT64 address (64:ff9b:1::/48)",
  "6to4": "a 6to4 address (2002::/16), which embeds an IPv4 address",
  teredo: "a Teredo address (2001::/32), which embeds an IPv4 address",
  discard: "a discard-only address (100::/64)",
};

/** IPv6 prefixes whose last 32 bits are an IPv4 address that the packet ends up at. */
const EMBEDDING_PREFIXES: ReadonlyArray<[ipaddr.IPv6, number]> = [
  ipaddr.IPv6.parseCIDR("::ffff:0:0:0/96"), // RFC 6145 IPv4-translated
  ipaddr.IPv6.parseCIDR("64:ff9b::/96"), // RFC 6052 NAT64 well-known prefix
];

/**
 * Parses a textual IP address (the form URL hostnames and DNS answers have; brackets and a zone
 * id are allowed for IPv6). Returns null for anything that is not an IP address.
 */
export function parseAddress(text: string): ParsedAddress | null {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const withoutZone = bare.includes("%") ? bare.slice(0, bare.indexOf("%")) : bare;
  if (isIP(withoutZone) === 0) return null;
  return unwrapIPv4(ipaddr.parse(withoutZone));
}

/** The IPv4 address an IPv6 address carries (mapped, translated, NAT64), else the address itself. */
export function unwrapIPv4(address: ParsedAddress): ParsedAddress {
  if (address.kind() !== "ipv6") return address;
  const v6 = address as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  for (const prefix of EMBEDDING_PREFIXES) {
    if (v6.match(prefix)) return new ipaddr.IPv4(v6.toByteArray().slice(12));
  }
  return v6;
}

/** Classifies one IP address (text). Throws on text that is not an IP address. */
export function classifyAddress(text: string): AddressClass {
  const parsed = parseAddress(text);
  if (!parsed) throw new Error(`'${text}' is not an IP address`);
  return classifyParsed(parsed);
}

export function classifyParsed(parsed: ParsedAddress): AddressClass {
  const address = parsed.kind() === "ipv6" ? (parsed as ipaddr.IPv6).toRFC5952String() : parsed.toString();
  const range = parsed.range();
  if (range === "unicast") return { address, range, publicUnicast: true, reason: "" };
  let reason = REASONS[range] ?? `a special-purpose address (${range})`;
  if (METADATA_ADDRESSES.has(address)) reason = `the cloud metadata address, ${reason}`;
  return { address, range, publicUnicast: false, reason };
}
