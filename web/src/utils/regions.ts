// Province-level names by the first two digits of a GB/T 2260 code, for the hukou hint.
export const PROVINCES: Record<string, string> = {
  '11': '北京市', '12': '天津市', '13': '河北省', '14': '山西省', '15': '内蒙古自治区',
  '21': '辽宁省', '22': '吉林省', '23': '黑龙江省',
  '31': '上海市', '32': '江苏省', '33': '浙江省', '34': '安徽省', '35': '福建省', '36': '江西省', '37': '山东省',
  '41': '河南省', '42': '湖北省', '43': '湖南省', '44': '广东省', '45': '广西壮族自治区', '46': '海南省',
  '50': '重庆市', '51': '四川省', '52': '贵州省', '53': '云南省', '54': '西藏自治区',
  '61': '陕西省', '62': '甘肃省', '63': '青海省', '64': '宁夏回族自治区', '65': '新疆维吾尔自治区',
  '71': '台湾省', '81': '香港特别行政区', '82': '澳门特别行政区',
}

/** Jinan's former county-level codes and their successors (the server reads them the same way). */
export const JINAN_FORMER: Record<string, string> = {
  '370181': '原章丘市，现为章丘区',
  '370125': '原济阳县，现为济阳区',
  '371202': '原莱芜市莱城区，现为莱芜区',
  '371203': '原莱芜市钢城区，现为钢城区',
}

export interface HukouHint {
  ok: boolean
  text: string
}

/**
 * A hint for a six-digit hukou code as typed: its province, whether it is in Jinan, and
 * shape problems (it must be county level). The server checks that the code exists.
 */
export function hukouHint(code: string, jinanName: (code: string) => string | undefined): HukouHint {
  if (!code) return { ok: true, text: '6位县级行政区划代码，输入身份号码后自动带出，请核对' }
  if (!/^\d*$/.test(code)) return { ok: false, text: '行政区划代码只能是数字' }
  if (code.length < 6) return { ok: true, text: `还需输入${6 - code.length}位` }
  const province = PROVINCES[code.slice(0, 2)]
  if (!province) return { ok: false, text: '没有以此两位开头的省级行政区' }
  if (code.endsWith('00')) return { ok: false, text: `${province}：须填到县级（末两位不能为00）` }
  if (code.startsWith('3701')) {
    const name = jinanName(code)
    return name ? { ok: true, text: `山东省济南市${name}（本市户籍）` } : { ok: true, text: '山东省济南市（本市户籍）' }
  }
  if (JINAN_FORMER[code]) return { ok: true, text: `山东省济南市（${JINAN_FORMER[code]}，本市户籍）` }
  return { ok: true, text: code.startsWith('37') ? `${province}（本省外市户籍）` : `${province}（外省市户籍）` }
}
