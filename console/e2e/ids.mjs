// Resident ID-card numbers (GB 11643) for the people a test registers: region, birth date, a
// sequence number, and the ISO 7064 MOD 11-2 check character.
export function idNumber(region, birth, seq) {
  const first17 = `${region}${birth.replaceAll('-', '')}${seq}`
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first17].reduce((n, d, i) => n + Number(d) * weights[i], 0)
  return first17 + '10X98765432'[sum % 11]
}
