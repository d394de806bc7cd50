// FLOWDECK_HTTP_ALLOWED_HOSTS: parsing and the check of a destination, pure (no DNS, no socket).
import { describe, expect, it } from "vitest";
import { AllowListError, checkDestination, describeRefusal, parseAllowList, policyFromEnv, type Destination, type NetworkPolicy } from "@/lib/net/allow-list";

const policy = (raw?: string, allowPublic = true): NetworkPolicy => ({ entries: parseAllowList(raw), allowPublic });
const to = (hostname: string, port: number, ...addresses: string[]): Destination => ({ hostname, port, addresses: addresses.length > 0 ? addresses : [hostname] });
const allowed = (p: NetworkPolicy, d: Destination) => checkDestination(p, d).allowed;

describe("parseAllowList", () => {
  it("reads hosts, addresses and ranges, each with an optional port", () => {
    const entries = parseAllowList(" api.internal , API.Example.COM.:8443,127.0.0.1:8080, 10.0.0.0/8, 192.168.0.0/16:443, [::1]:9000, [fd00::]/8:443, fd00::/8, 2130706433:81,,");
    expect(entries.map((entry) => (entry.kind === "host" ? [entry.host, entry.port] : [`${entry.range[0].toString()}/${entry.range[1]}`, entry.port]))).toEqual([
      ["api.internal", undefined],
      ["api.example.com", 8443],
      ["127.0.0.1/32", 8080],
      ["10.0.0.0/8", undefined],
      ["192.168.0.0/16", 443],
      ["::1/128", 9000],
      ["fd00::/8", 443],
      ["fd00::/8", undefined],
      ["127.0.0.1/32", 81], // the URL parser's reading of 2130706433
    ]);
  });

  it("an IPv4-mapped entry is its IPv4 address or range", () => {
    const [entry] = parseAllowList("[::ffff:10.0.0.0]/104:443");
    expect(entry).toMatchObject({ kind: "range", port: 443 });
    expect(entry!.kind === "range" && `${entry!.range[0].toString()}/${entry!.range[1]}`).toBe("10.0.0.0/8");
  });

  it.each([
    ["*", "entry 1 '*' is not a valid host name"],
    ["ok.example, http://x", "entry 2 'http://x' is not understood"],
    ["127.0.0.1:0", "port 0, outside 1–65535"],
    ["127.0.0.1:70000", "port 70000, outside 1–65535"],
    ["10.0.0.0/33", "prefix /33, longer than 32"],
    ["[::1]/129", "prefix /129, longer than 128"],
    ["api.internal/8", "a /prefix after a host name"],
    ["[api.internal]:80", "brackets around something that is not an IPv6 address"],
    ["exa mple.com", "is not understood"],
    ["-bad-.example", "is not a valid host name"],
    ["64:ff9b::/96", "an IPv6 form of an IPv4 address"],
  ])("'%s' is refused: %s", (raw, message) => {
    expect(() => parseAllowList(raw)).toThrow(AllowListError);
    expect(() => parseAllowList(raw)).toThrow(message);
    expect(() => parseAllowList(raw)).toThrow("FLOWDECK_HTTP_ALLOWED_HOSTS");
  });

  it("FLOWDECK_HTTP_ALLOW_PUBLIC is true or false", () => {
    expect(policyFromEnv({}).allowPublic).toBe(true);
    expect(policyFromEnv({ FLOWDECK_HTTP_ALLOW_PUBLIC: "false" }).allowPublic).toBe(false);
    expect(() => policyFromEnv({ FLOWDECK_HTTP_ALLOW_PUBLIC: "no" })).toThrow("FLOWDECK_HTTP_ALLOW_PUBLIC must be 'true' or 'false'; got 'no'");
  });
});

describe("checkDestination", () => {
  it("by default opens public addresses and closes loopback, private, link-local and metadata", () => {
    const p = policy();
    expect(allowed(p, to("example.com", 443, "93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"))).toBe(true);
    for (const address of ["127.0.0.1", "::1", "10.0.0.1", "172.16.5.4", "192.168.0.1", "169.254.169.254", "100.64.0.1", "fd00::1", "fe80::1", "0.0.0.0", "::", "::ffff:127.0.0.1"]) {
      expect(allowed(p, to(address, 80)), address).toBe(false);
    }
  });

  it("one closed address closes the call: a name resolving to a public and a private address", () => {
    const verdict = checkDestination(policy(), to("rebind.example", 80, "93.184.215.14", "10.0.0.7"));
    expect(verdict).toMatchObject({ allowed: false, address: { address: "10.0.0.7", range: "private" } });
  });

  it("an address entry opens that address on its port only", () => {
    const p = policy("127.0.0.1:8080");
    expect(allowed(p, to("127.0.0.1", 8080))).toBe(true);
    expect(allowed(p, to("127.0.0.1", 8081))).toBe(false);
    expect(allowed(p, to("::ffff:127.0.0.1", 8080))).toBe(true); // the same address
    expect(allowed(p, to("127.0.0.2", 8080))).toBe(false);
    expect(allowed(p, to("::1", 8080))).toBe(false);
    // A name that resolves to it is opened by the address entry too (it is the address that is trusted).
    expect(allowed(p, to("localhost", 8080, "127.0.0.1"))).toBe(true);
    expect(allowed(p, to("localhost", 8080, "127.0.0.1", "::1"))).toBe(false);
  });

  it("a range entry opens the range, on any port unless it names one", () => {
    const p = policy("10.0.0.0/8, 192.168.0.0/16:443, fd00::/8");
    expect(allowed(p, to("10.1.2.3", 1234))).toBe(true);
    expect(allowed(p, to("db.internal", 5432, "10.200.0.1"))).toBe(true);
    expect(allowed(p, to("192.168.1.1", 443))).toBe(true);
    expect(allowed(p, to("192.168.1.1", 80))).toBe(false);
    expect(allowed(p, to("fd12::1", 80))).toBe(true);
    expect(allowed(p, to("172.16.0.1", 80))).toBe(false);
    expect(allowed(p, to("169.254.169.254", 80))).toBe(false);
  });

  it("a host entry opens that name, whatever it resolves to, and not its addresses under other names", () => {
    const p = policy("api.internal:8443, LocalHost");
    expect(allowed(p, to("api.internal", 8443, "10.0.0.5"))).toBe(true);
    expect(allowed(p, to("API.INTERNAL.", 8443, "10.0.0.5"))).toBe(true);
    expect(allowed(p, to("api.internal", 443, "10.0.0.5"))).toBe(false);
    expect(allowed(p, to("other.internal", 8443, "10.0.0.5"))).toBe(false);
    expect(allowed(p, to("10.0.0.5", 8443))).toBe(false);
    expect(allowed(p, to("localhost", 3000, "127.0.0.1", "::1"))).toBe(true);
  });

  it("FLOWDECK_HTTP_ALLOW_PUBLIC=false leaves only the entries open", () => {
    const p = policy("api.example.com", false);
    expect(allowed(p, to("api.example.com", 443, "93.184.215.14"))).toBe(true);
    expect(allowed(p, to("other.example.com", 443, "93.184.215.14"))).toBe(false);
  });

  it("throws on a destination address that is not an IP address (a resolver bug, not user input)", () => {
    expect(() => checkDestination(policy(), to("x", 80, "not-an-ip"))).toThrow("'not-an-ip' is not an IP address");
  });
});

describe("describeRefusal", () => {
  const words = (p: NetworkPolicy, d: Destination) => {
    const verdict = checkDestination(p, d);
    if (verdict.allowed) throw new Error("expected a refusal");
    return describeRefusal(d, verdict, p);
  };

  it("names the address, why, and the setting with an entry that opens it", () => {
    expect(words(policy(), to("127.0.0.1", 4000))).toBe(
      "127.0.0.1 is a loopback address (127.0.0.0/8, ::1); http tasks may not call it by default: set FLOWDECK_HTTP_ALLOWED_HOSTS=127.0.0.1:4000 to allow it",
    );
    expect(words(policy(), to("169.254.169.254", 80))).toContain("169.254.169.254 is the cloud metadata address, a link-local address");
    expect(words(policy(), to("api.internal", 443, "10.0.0.5"))).toBe(
      "api.internal resolves to 10.0.0.5, which is a private address (RFC 1918: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16); http tasks may not call it by default: set FLOWDECK_HTTP_ALLOWED_HOSTS=api.internal:443 to allow it",
    );
    expect(words(policy(), to("::1", 8080))).toContain("FLOWDECK_HTTP_ALLOWED_HOSTS=[::1]:8080");
  });

  it("says when an entry names the address on another port", () => {
    expect(words(policy("127.0.0.1:8080"), to("127.0.0.1", 9090))).toBe(
      "127.0.0.1 is a loopback address (127.0.0.0/8, ::1) (FLOWDECK_HTTP_ALLOWED_HOSTS has '127.0.0.1:8080', which does not include port 9090); http tasks may not call it by default: add 127.0.0.1:9090 to FLOWDECK_HTTP_ALLOWED_HOSTS to allow it",
    );
  });

  it("says why a public address is closed when only the entries are open", () => {
    expect(words(policy("api.example.com", false), to("other.example.com", 443, "93.184.215.14"))).toContain(
      "a public address, and FLOWDECK_HTTP_ALLOW_PUBLIC=false allows only the entries of FLOWDECK_HTTP_ALLOWED_HOSTS",
    );
  });
});
