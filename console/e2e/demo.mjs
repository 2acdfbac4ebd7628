// What the demo seeds that a test reads back: the demo elders' ID-card numbers are made by
// `demo_id_number` in src/demo/elders.rs (region, birth date, a sequence from the elder's place
// in the list, the GB 11643 check character).
export function demoIdNumber({ index, region, birth, female }) {
  const seq = String((index * 37 + 11) % 100).padStart(2, '0')
  const sexDigit = (index % 5) * 2 + (female ? 0 : 1)
  const first17 = `${region}${birth.replaceAll('-', '')}${seq}${sexDigit}`
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
  const sum = [...first17].reduce((n, d, i) => n + Number(d) * weights[i], 0)
  return first17 + '10X98765432'[sum % 11]
}

/** 周淑贞, 钟楼区, no account of her own: a counter books for her. */
export const ZHOU_SHUZHEN = { name: '周淑贞', id_card: demoIdNumber({ index: 8, region: '320404', birth: '1945-04-04', female: true }) }
