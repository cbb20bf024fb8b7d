import { describe, expect, it } from "vitest";
import { followedAuthorOf, nameKeyOf, sameAuthor } from "../src/digest/authorName.js";

describe("sameAuthor", () => {
  it("matches across case, accents, initials and 'Last, First' order", () => {
    for (const f of ["Tri Dao", "T. Dao", "t dao", "Dao, Tri", "TRI DAO", "T Dao", "Dao, T."]) expect(sameAuthor(f, "Tri Dao"), f).toBe(true);
    expect(sameAuthor("Cengiz Oztireli", "Cengiz Öztireli")).toBe(true);
    expect(sameAuthor("andre silva", "André Silva")).toBe(true);
    expect(sameAuthor("J.-P. Lévy", "Jean-Pierre Levy")).toBe(true);
    expect(sameAuthor("Duygu Altinok", "Duygu Altınok")).toBe(true);
  });

  it("lets middle names be left out on either side, but not contradict", () => {
    expect(sameAuthor("Jason Lee", "Jason D. Lee")).toBe(true);
    expect(sameAuthor("Jason D. Lee", "Jason Lee")).toBe(true);
    expect(sameAuthor("J. D. Lee", "Jason D. Lee")).toBe(true);
    expect(sameAuthor("Jason X. Lee", "Jason D. Lee")).toBe(false);
  });

  it("needs the same family name and an agreeing first name", () => {
    expect(sameAuthor("Tim Dao", "Tri Dao")).toBe(false);
    expect(sameAuthor("Tri Dao", "Tim Dao")).toBe(false);
    expect(sameAuthor("Tri Dao", "Tri Dai")).toBe(false);
    expect(sameAuthor("M. Dao", "Tri Dao")).toBe(false);
    expect(sameAuthor("Dao", "Tri Dao")).toBe(false);
    expect(sameAuthor("Tri", "Tri Dao")).toBe(false);
    expect(sameAuthor("", "Tri Dao")).toBe(false);
  });

  it("keys equal names alike and names the first followed author as the paper spells it", () => {
    expect(nameKeyOf("Dao, Tri")).toBe(nameKeyOf("  tri   DAO "));
    expect(followedAuthorOf(["t. dao", "Jane Roe"], ["Albert Gu", "Tri Dao", "Jane Roe"])).toBe("Tri Dao");
    expect(followedAuthorOf(["Tim Dao"], ["Albert Gu", "Tri Dao"])).toBeUndefined();
  });
});
