import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DatabaseConfigError, describeDatabase, maskPassword, resolveDatabaseConfig } from "./config";

describe("resolveDatabaseConfig", () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "flowdeck-config-"));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("defaults to SQLite in FLOWDECK_DATA_DIR and creates the directory", () => {
    const dataDir = join(tempDir(), "nested", "data");
    expect(resolveDatabaseConfig({ FLOWDECK_DATA_DIR: dataDir })).toEqual({ provider: "sqlite", filePath: join(dataDir, "flowdeck.db") });
    expect(existsSync(dataDir)).toBe(true);
  });

  it("defaults to ./data/flowdeck.db when nothing is set (an empty DATABASE_URL counts as unset)", () => {
    expect(resolveDatabaseConfig({ DATABASE_URL: " " })).toEqual({ provider: "sqlite", filePath: resolve("data", "flowdeck.db") });
  });

  it("reads file: URLs as SQLite paths, relative to the working directory, without query options", () => {
    const dir = tempDir();
    expect(resolveDatabaseConfig({ DATABASE_URL: `file:${dir}/db/app.db?connection_limit=1` })).toEqual({
      provider: "sqlite",
      filePath: join(dir, "db", "app.db"),
    });
    expect(existsSync(join(dir, "db"))).toBe(true);
    expect(resolveDatabaseConfig({ DATABASE_URL: "file:./data/x.db" })).toEqual({ provider: "sqlite", filePath: resolve("data/x.db") });
  });

  it.each(["postgresql://u:p@db:5432/flowdeck", "postgres://db/flowdeck?sslmode=require"])("reads %s as PostgreSQL", (url) => {
    expect(resolveDatabaseConfig({ DATABASE_URL: url })).toEqual({ provider: "postgresql", url });
  });

  it.each([
    ["mysql://root:secret@db/flowdeck", /DATABASE_URL must start with "file:".*got "mysql:…"/],
    ["flowdeck.db", /DATABASE_URL must start with .*a value without a URL scheme/],
    ["file:", /no file path/],
    ["file::memory:", /not supported/],
  ])("rejects DATABASE_URL=%s with a clear error", (url, message) => {
    expect(() => resolveDatabaseConfig({ DATABASE_URL: url })).toThrow(DatabaseConfigError);
    expect(() => resolveDatabaseConfig({ DATABASE_URL: url })).toThrow(message);
  });

  it("never puts the rest of an unknown URL (maybe a password) into the error", () => {
    expect(() => resolveDatabaseConfig({ DATABASE_URL: "mysql://root:secret@db/flowdeck" })).not.toThrow(/secret/);
  });
});

describe("describeDatabase", () => {
  it("masks the password of a PostgreSQL URL", () => {
    expect(describeDatabase({ provider: "postgresql", url: "postgresql://flow:s3cr%40t@db:5432/flowdeck" })).toBe(
      "postgresql:postgresql://flow:****@db:5432/flowdeck",
    );
    expect(describeDatabase({ provider: "postgresql", url: "postgresql://db/flowdeck?user=flow&password=x" })).toBe(
      "postgresql:postgresql://db/flowdeck?user=flow&password=****",
    );
    expect(describeDatabase({ provider: "postgresql", url: "postgresql://postgres@127.0.0.1/test" })).toBe(
      "postgresql:postgresql://postgres@127.0.0.1/test",
    );
  });

  it("shows the SQLite file path", () => {
    expect(describeDatabase({ provider: "sqlite", filePath: "/srv/flowdeck/data/flowdeck.db" })).toBe("sqlite:/srv/flowdeck/data/flowdeck.db");
  });

  it("masks unparseable URLs too", () => {
    expect(maskPassword("postgresql://flow:pa ss@db host/x")).not.toContain("pa ss");
  });
});
