// The classification of addresses, pure: no DNS, no socket, no packet to any of these ranges.
import { describe, expect, it } from "vitest";
import { classifyAddress, parseAddress } from "@/lib/net/address-policy";

describe("classifyAddress", () => {
  it.each([
    // [address, range, words the reason must contain]
    ["127.0.0.1", "loopback", "loopback"],
    ["127.255.255.254", "loopback", "loopback"],
    ["::1", "loopback", "loopback"],
    ["10.0.0.1", "private", "RFC 1918"],
    ["172.16.0.1", "private", "RFC 1918"],
    ["172.31.255.255", "private", "RFC 1918"],
    ["192.168.1.1", "private", "RFC 1918"],
    ["169.254.169.254", "linkLocal", "cloud metadata"],
    ["169.254.1.2", "linkLocal", "link-local"],
    ["fe80::1", "linkLocal", "link-local"],
    ["fe80::1%eth0", "linkLocal", "link-local"],
    ["100.64.0.1", "carrierGradeNat", "carrier-grade NAT"],
    ["100.100.100.200", "carrierGradeNat", "carrier-grade NAT"], // Alibaba Cloud's metadata service
    ["fc00::1", "uniqueLocal", "unique-local"],
    ["fd12:3456::1", "uniqueLocal", "unique-local"],
    ["fd00:ec2::254", "uniqueLocal", "cloud metadata"],
    ["fec0::1", "deprecatedSiteLocal", "site-local"],
    ["0.0.0.0", "unspecified", "unspecified"],
    ["0.1.2.3", "unspecified", "unspecified"],
    ["::", "unspecified", "unspecified"],
    ["224.0.0.1", "multicast", "multicast"],
    ["239.255.255.250", "multicast", "multicast"],
    ["ff02::1", "multicast", "multicast"],
    ["255.255.255.255", "broadcast", "broadcast"],
    ["192.0.2.1", "reserved", "reserved"],
    ["198.18.0.1", "reserved", "benchmarking"],
    ["240.0.0.1", "reserved", "reserved"],
    ["2001:db8::1", "reserved", "reserved"],
    ["2002:7f00:1::", "6to4", "6to4"],
    ["2001::1", "teredo", "Teredo"],
    ["100::1", "discard", "discard"],
  ])("%s is %s, closed by default", (address, range, words) => {
    const verdict = classifyAddress(address);
    expect(verdict).toMatchObject({ range, publicUnicast: false });
    expect(verdict.reason).toContain(words);
  });

  it.each([
    // IPv6 forms that carry an IPv4 address are that address.
    ["::ffff:127.0.0.1", "127.0.0.1", "loopback"],
    ["::ffff:7f00:1", "127.0.0.1", "loopback"],
    ["[::ffff:127.0.0.1]", "127.0.0.1", "loopback"],
    ["::ffff:169.254.169.254", "169.254.169.254", "linkLocal"],
    ["::ffff:10.1.2.3", "10.1.2.3", "private"],
    ["::ffff:0:127.0.0.1", "127.0.0.1", "loopback"], // RFC 6145 IPv4-translated
    ["64:ff9b::7f00:1", "127.0.0.1", "loopback"], // RFC 6052 NAT64
    ["64:ff9b::a9fe:a9fe", "169.254.169.254", "linkLocal"],
    ["64:ff9b::808:808", "8.8.8.8", "unicast"],
    ["::ffff:8.8.8.8", "8.8.8.8", "unicast"],
  ])("%s is classified as %s (%s)", (text, address, range) => {
    expect(classifyAddress(text)).toMatchObject({ address, range });
  });

  it.each(["8.8.8.8", "1.1.1.1", "93.184.215.14", "2606:4700:4700::1111", "2a00:1450:4001::200e"])("%s is public unicast, open by default", (address) => {
    expect(classifyAddress(address)).toMatchObject({ range: "unicast", publicUnicast: true, reason: "" });
  });

  it("the local-use NAT64 prefix (64:ff9b:1::/48) is closed as a whole", () => {
    expect(classifyAddress("64:ff9b:1::1")).toMatchObject({ range: "rfc6052", publicUnicast: false });
  });
});

describe("parseAddress", () => {
  it("reads only canonical IP text: host names and the URL parser's numeric forms are not addresses here", () => {
    // The WHATWG URL parser turns 2130706433 / 0x7f.1 into 127.0.0.1 before anything is checked
    // (tests/integration/engine-http-network-policy.test.ts); this function sees its output.
    expect(parseAddress("example.com")).toBeNull();
    expect(parseAddress("2130706433")).toBeNull();
    expect(parseAddress("0x7f.1")).toBeNull();
    expect(parseAddress("127.0.0.1")?.toString()).toBe("127.0.0.1");
    expect(parseAddress("[::1]")?.toString()).toBe("::1");
  });

  it("the URL parser gives loopback for every spelling of it", () => {
    for (const url of ["http://2130706433:8080/", "http://0x7f.1:8080/", "http://017700000001/", "http://127.1/", "http://0x7f000001/", "http://[::ffff:127.0.0.1]/", "http://[::1]/"]) {
      const hostname = new URL(url).hostname;
      expect(classifyAddress(hostname), `${url} → ${hostname}`).toMatchObject({ range: "loopback" });
    }
    expect(classifyAddress(new URL("http://0/").hostname)).toMatchObject({ range: "unspecified" });
    expect(classifyAddress(new URL("http://0xa9.0xfe.0xa9.0xfe/").hostname)).toMatchObject({ address: "169.254.169.254", range: "linkLocal" });
  });

  it("throws on text that is not an address", () => {
    expect(() => classifyAddress("localhost")).toThrow("'localhost' is not an IP address");
  });
});
