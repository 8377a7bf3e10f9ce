---------------------------------------------------------------------------
-- The decoder. Everything above is data; what follows walks it the way
-- ctishark's dissect package does (same shapes, same checks, same words),
-- so both tools give the same answer for the same bytes. Numbers are
-- handled with arithmetic only: Lua 5.2 has no bitwise operators and 5.4
-- no bit32 library, and every value here fits a double exactly.
---------------------------------------------------------------------------

local HL = C.header_len

local function be(s, i, n) -- unsigned big-endian number of n bytes at s[i]
  local v = 0
  for k = i, i + n - 1 do v = v * 256 + s:byte(k) end
  return v
end

local function bit_set(v, p) -- is the bit of value p (a power of two) set in v
  return math.floor(v / p) % 2 == 1
end

local function has_bits(v, bits) -- v & bits == bits
  local p = 1
  while p <= bits do
    if bit_set(bits, p) and not bit_set(v, p) then return false end
    p = p * 2
  end
  return true
end

local function clear_bits(v, bits) -- v &^ bits
  local p = 1
  while p <= bits and p <= v do
    if bit_set(bits, p) and bit_set(v, p) then v = v - p end
    p = p * 2
  end
  return v
end

local function u32(v) -- a signed value as the unsigned 32-bit number the tables use
  if v < 0 then return v + 4294967296 end
  return v
end

local function hex(s)
  return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end

local function valid_utf8(s)
  local i, n = 1, #s
  while i <= n do
    local c = s:byte(i)
    local k, min
    if c < 0x80 then k = 0
    elseif c >= 0xc2 and c <= 0xdf then k, min = 1, 0x80
    elseif c >= 0xe0 and c <= 0xef then k, min = 2, 0x800
    elseif c >= 0xf0 and c <= 0xf4 then k, min = 3, 0x10000
    else return false end
    if i + k > n then return false end
    local cp = c
    if k > 0 then
      cp = c % (2 ^ (6 - k))
      for j = 1, k do
        local cc = s:byte(i + j)
        if cc < 0x80 or cc > 0xbf then return false end
        cp = cp * 64 + (cc - 0x80)
      end
      if cp < min or cp > 0x10ffff or (cp >= 0xd800 and cp <= 0xdfff) then return false end
    end
    i = i + k + 1
  end
  return true
end

-- printable: valid UTF-8 without C0 controls or DEL.
local function printable(s)
  return valid_utf8(s) and not s:find("[%z\1-\31\127]")
end

---------------------------------------------------------------------------
-- The catalog, linked.
---------------------------------------------------------------------------

local INTEGER = {UCHAR = 1, CHAR = 1, USHORT = 2, SHORT = 2, UINT = 4, INT = 4, TIME = 4}
local SIGNED = {CHAR = true, SHORT = true, INT = true}
local function type_size(t)
  if t == "BOOL" then return 2 end
  return INTEGER[t] or 0
end

local function layout_of(name) -- "2+1" -> tag bytes 2, length bytes 1
  local t, n = name:match("^(%d)%+(%d)$")
  return {name = name, tag = tonumber(t), len = tonumber(n), hdr = tonumber(t) + tonumber(n),
          describe = C.layout_describe[name]}
end
local LAYOUTS, LAYOUT = {}, {}
for i, name in ipairs(C.layout_names) do
  LAYOUT[name] = layout_of(name)
  LAYOUTS[i] = LAYOUT[name]
end

local function read_header(l, s, pos) -- floating header at s[pos]; nil when too short
  if #s - pos + 1 < l.hdr then return nil end
  return be(s, pos, l.tag), be(s, pos + l.tag, l.len)
end

-- layouts_for_version lists the distinct layouts the dialects give a
-- protocol version, UCCX's first (dissect.LayoutsForVersion): one settles
-- the layout, two leave it to the bytes.
local function layouts_for_version(v)
  local ls = {}
  for _, d in ipairs(C.dialects) do
    for _, vl in ipairs(C.version_layouts) do
      if vl.dialect == d and v >= vl.from and (vl.to == 0 or v <= vl.to) then
        local l = LAYOUT[vl.layout]
        if #ls == 0 or (#ls == 1 and ls[1] ~= l) then ls[#ls + 1] = l end
      end
    end
  end
  return ls
end

-- version_layouts_text spells out the layouts the dialects give version v.
local function version_layouts_text(v)
  local parts = {}
  for _, vl in ipairs(C.version_layouts) do
    if v >= vl.from and (vl.to == 0 or v <= vl.to) then
      parts[#parts + 1] = string.format("%s (%s)", vl.layout, vl.dialect:upper())
    end
  end
  return table.concat(parts, " or ")
end

local ENUM, MASK = {}, {}
for name, vals in pairs(C.enums) do
  local t = {}
  for _, v in ipairs(vals) do t[v[1]] = v[2] end
  ENUM[name] = t
end
for name, vals in pairs(C.masks) do MASK[name] = vals end

local BYID, BYNAME, TAG = {}, {}, {}
local MSGTYPE_VS = {}
for _, m in ipairs(C.msgs) do
  if m.known then BYID[m.id] = m; MSGTYPE_VS[m.id] = m.name end
  BYNAME[m.name] = m
  m.fixed_size = 0
  for _, f in ipairs(m.fixed) do m.fixed_size = m.fixed_size + f.size end
  -- Only version-marked fields at the very end may be missing.
  m.min_fixed = m.fixed_size
  for i = #m.fixed, 1, -1 do
    if not m.fixed[i].version then break end
    m.min_fixed = m.min_fixed - m.fixed[i].size
  end
  -- For the shape scan: the first definition of each tag, the definitions
  -- sharing each one's tag, the required ones.
  m.tags, m.tag_idx, m.same_tag, m.required = {}, {}, {}, {}
  for i, f in ipairs(m.floating) do
    f.floating = true
    m.tags[f.tag] = (m.tags[f.tag] or 0) + 1
    m.tag_idx[f.tag] = m.tag_idx[f.tag] or i
    if f.required then m.required[#m.required + 1] = i end
    m.has_secret = m.has_secret or f.secret
    m.same_tag[i] = {}
    for j, g in ipairs(m.floating) do
      if g.tag == f.tag then m.same_tag[i][#m.same_tag[i] + 1] = j end
    end
  end
  for _, list in ipairs({m.fixed, m.floating}) do
    for _, f in ipairs(list) do
      if f.count then
        for j, g in ipairs(m.fixed) do if g.name == f.count then f.count_fixed = j end end
        if not f.count_fixed then
          for j, g in ipairs(m.floating) do if g.name == f.count then f.count_float = j end end
        end
      end
    end
  end
  for _, f in ipairs(m.floating) do f.tag_unique = m.tags[f.tag] == 1 end
end
for _, t in ipairs(C.tags) do
  TAG[t.tag] = {name = t.name, filter = t.filter, type = t.type, max = t.max, tag = t.tag, floating = true,
                secret = t.secret, device_id = t.device_id}
end

local HDR_LENGTH = {name = "BodyLength", filter = C.filters.length, type = "UINT", size = 4}
local HDR_TYPE = {name = "MessageTypeID", filter = C.filters.msg_type_id, type = "UINT", size = 4}
local EXTRA_UINT = {name = "reserved", filter = C.filters.reserved, type = "UINT", size = 4}
local RAW = {name = "data", filter = C.filters.data, type = "UNSPEC"}

---------------------------------------------------------------------------
-- Decoding a frame into a field list (dissect.Decode).
---------------------------------------------------------------------------

local function expert_add(list, sev, code, msg, field)
  list[#list + 1] = {severity = sev, code = code, message = msg, field = field or ""}
end

local function field_expert(f, sev, code, msg)
  f.expert = f.expert or {}
  expert_add(f.expert, sev, code, msg, f.filter)
end

local function raw_field(data, off)
  return {def = RAW, name = RAW.name, filter = RAW.filter, tag = -1, offset = off, size = #data,
          value = {t = "UNSPEC", bytes = data}}
end

-- length_fits: can the n bytes of b at i be a value of type t with
-- maximum max (numbers have their size, strings end in their NUL).
local function length_fits(t, max, b, i, n)
  max = max or 0
  if t == "UCHAR" or t == "CHAR" then return n == 1 end
  if t == "USHORT" or t == "SHORT" or t == "BOOL" then return n == 2 or (max > 0 and n == max) end
  if t == "UINT" or t == "INT" or t == "TIME" then return n == 4 end
  if t == "STRING" then
    if n == 0 then return true end
    return b:byte(i + n - 1) == 0 and (max == 0 or n <= max + 1)
  end
  return true
end

-- scan_floating reads b as floating records under layout l and scores the
-- reading (dissect's scanFloating, with its weights in C.rules).
local R = C.rules
local function scan_floating(def, b, l, version)
  local r = {exact = false, records = 0, foreign = 0, score = 0, flawed = false}
  local seen = {}
  local pos = 1
  while pos <= #b do
    local tag, n = read_header(l, b, pos)
    if not tag or pos - 1 + l.hdr + n > #b then return r end
    local at = pos + l.hdr
    r.records = r.records + 1
    local i = def.tag_idx[tag]
    if i then
      local fd = def.floating[i]
      r.score = r.score + R.own_tag
      if not length_fits(fd.type, fd.max, b, at, n) then
        r.score, r.flawed = r.score + R.bad_length, true
      end
      for _, j in ipairs(def.same_tag[i]) do seen[j] = true end
    elseif TAG[tag] then
      local td = TAG[tag]
      r.foreign, r.score = r.foreign + 1, r.score + R.table_tag
      if not length_fits(td.type, td.max, b, at, n) then r.score = r.score + R.bad_length end
    else
      r.foreign, r.score = r.foreign + 1, r.score + R.unknown_tag
    end
    pos = at + n
  end
  r.exact = true
  for _, i in ipairs(def.required) do
    local fd = def.floating[i]
    if not seen[i] and (not fd.version or version == 0 or fd.version <= version) then
      r.score, r.flawed = r.score + R.missing, true
    end
  end
  return r
end

local function clean(r) return r.exact and r.foreign == 0 end
local function perfect(r) return clean(r) and not r.flawed end

-- better ranks scan results: exact structure first, then the score.
local function better(r, o)
  if r.exact ~= o.exact then return r.exact end
  return r.score > o.score
end

-- fixed_options lists the candidate fixed parts of def, most likely first:
-- {n catalog fields, extra UINTs (OPEN_REQ's reserved ones)}.
local function fixed_options(def, ctx)
  local full = #def.fixed
  if def.name == "OPEN_REQ" then
    if ctx.open_req_extra == 3 then return {{n = full, extra = 3}, {n = full, extra = 0}} end
    return {{n = full, extra = 0}, {n = full, extra = 3}}
  end
  -- Trailing version-marked fields may be missing from older versions'
  -- messages; which count is most likely depends on the session version.
  local first = full
  while first > 0 and def.fixed[first].version do first = first - 1 end
  local pref = full
  if ctx.version > 0 then
    pref = first
    while pref < full and (def.fixed[pref + 1].version or 0) <= ctx.version do pref = pref + 1 end
  end
  local out = {{n = pref, extra = 0}}
  local n = full
  while n >= first and #out < R.max_fixed_options do
    if n ~= pref then out[#out + 1] = {n = n, extra = 0} end
    n = n - 1
  end
  return out
end

local function size_of(def, o)
  local s = 0
  for i = 1, o.n do s = s + def.fixed[i].size end
  return s + 4 * o.extra
end

-- read_as finds the fixed option under which body reads best with layout
-- l (nil when none fits); one that leaves no floating part reads exactly.
local function read_as(def, body, opts, l, version)
  local best
  for _, o in ipairs(opts) do
    local size = size_of(def, o)
    if size <= #body then
      local r = {exact = true, records = 0, foreign = 0, score = 0, flawed = false}
      if size < #body then r = scan_floating(def, body:sub(size + 1), l, version) end
      if not best or better(r, best.scan) then best = {opt = o, size = size, scan = r} end
      if perfect(r) and size < #body then break end
    end
  end
  return best
end

local function shape_of(rd, l, src)
  return {n = rd.opt.n, extra = rd.opt.extra, size = rd.size, layout = l, source = src,
          clean = clean(rd.scan), fits = true, records = rd.scan.records}
end

-- truncated_shape: not even the shortest fixed part fits; decode what is there.
local function truncated_shape(def, opts, l, src)
  if not l then l, src = LAYOUT["1+1"], "none" end
  return {n = opts[1].n, extra = opts[1].extra, size = size_of(def, opts[1]), layout = l, source = src}
end

-- clamp16 is the int16 a message's evidence keeps of a score.
local function clamp16(v)
  if v > 32767 then return 32767 end
  if v < -32768 then return -32768 end
  return v
end

-- choose_shape picks the fixed part and floating layout for body
-- (dissect's chooseShape): a settled session layout is kept whenever the
-- floating part parses exactly under it (a forced one always); otherwise
-- every layout is scored, ties going to the session's lean, and the scores
-- are the message's evidence for the session.
local function choose_shape(def, body, ctx)
  local opts = fixed_options(def, ctx)
  local pref, src, lean, version = ctx.layout, ctx.source, ctx.lean, ctx.version
  if def.name == "OPEN_REQ" and src ~= "forced" and #body >= 8 then
    -- OPEN_REQ states its own version: that decides its layout when the
    -- dialects agree on it, and is the lean where they differ.
    version = be(body, 5, 4)
    local ls = layouts_for_version(version)
    if #ls == 1 then pref, src = ls[1], "version"
    elseif #ls == 2 then pref, src, lean = nil, "none", ls[1] end
  end
  if pref then
    local rd = read_as(def, body, opts, pref, version)
    if not rd then return truncated_shape(def, opts, pref, src) end
    if rd.size == #body or rd.scan.exact or src == "forced" then return shape_of(rd, pref, src) end
    -- The settled layout cannot read this floating part at all: take the
    -- best other layout that can, and say so.
    local alt, alt_l
    for _, l in ipairs(LAYOUTS) do
      if l ~= pref then
        local r = read_as(def, body, opts, l, version)
        if r and r.scan.exact and (not alt or better(r.scan, alt.scan)) then alt, alt_l = r, l end
      end
    end
    if not alt_l then return shape_of(rd, pref, src) end
    local sh = shape_of(alt, alt_l, "detected")
    sh.switched = true
    return sh
  end
  local order = {}
  if lean then order[1] = lean end
  for _, l in ipairs(LAYOUTS) do if l ~= lean then order[#order + 1] = l end end
  local best, best_l
  local ev = {compared = false, fit = {}, score = {}}
  for _, l in ipairs(order) do
    local r = read_as(def, body, opts, l, version)
    if not r then return truncated_shape(def, opts, lean, "none") end
    if r.size < #body then ev.fit[l.name], ev.score[l.name] = r.scan.exact, clamp16(r.scan.score) end
    if not best_l or better(r.scan, best.scan) then best, best_l = r, l end
  end
  if best.size == #body then
    -- No floating part: the layout does not matter.
    return {n = best.opt.n, extra = best.opt.extra, size = best.size, source = "none", clean = true, fits = true, records = 0}
  end
  ev.compared = true
  local sh = shape_of(best, best_l, "detected")
  sh.ev = ev
  return sh
end

local function after_nul(f, extra, what)
  if extra:find("[^%z]") then
    field_expert(f, "warning", "cti.string.after_nul", string.format("%d bytes follow the %s's NUL", #extra, what))
  else
    field_expert(f, "note", "cti.string.after_nul", string.format("%d NUL bytes pad the %s", #extra, what))
  end
end

local function split_primary_actual(f)
  local s = f.value.str
  local i = s:find(".", 1, true)
  if not i or i <= 1 or i == #s or s:find(".", i + 1, true) then return end
  f.children = {
    {name = "Primary", filter = f.filter .. ".primary", offset = f.offset, size = i - 1, value = {t = "STRING", str = s:sub(1, i - 1)}},
    {name = "Actual", filter = f.filter .. ".actual", offset = f.offset + i, size = #s - i, value = {t = "STRING", str = s:sub(i + 1)}},
  }
end

local function decode_string(m, f, data)
  local text = data
  local i = data:find("\0", 1, true)
  if not i then
    field_expert(f, "warning", "cti.string.no_nul", "string is not terminated by a NUL")
  else
    text = data:sub(1, i - 1)
    if i < #data then after_nul(f, data:sub(i + 1), "string") end
  end
  if not valid_utf8(text) then field_expert(f, "note", "cti.string.utf8", "string is not valid UTF-8") end
  f.value = {t = "STRING", str = text}
  if f.def and f.def.device_id and f.def.type == "STRING" and (m.version == 0 or m.version >= 14) then
    split_primary_actual(f)
  end
end

local function decode_named(f, t, data)
  local rest, off, index = data, f.offset, 0
  if t == "NAMEDARRAY" then
    if #rest < 1 then
      f.value = {t = "UNSPEC", bytes = data}
      field_expert(f, "warning", "cti.namedvar.malformed", "NamedArray has no index byte")
      return
    end
    index = rest:byte(1)
    rest, off = rest:sub(2), off + 1
  end
  local name, value = rest, ""
  local value_off = off + #rest
  local i = rest:find("\0", 1, true)
  if not i then
    field_expert(f, "warning", "cti.namedvar.malformed", "name is not terminated by a NUL and no value follows")
  else
    name, value, value_off = rest:sub(1, i - 1), rest:sub(i + 1), off + i
    local j = value:find("\0", 1, true)
    if not j then
      field_expert(f, "warning", "cti.namedvar.malformed", "value is not terminated by a NUL")
    else
      if j < #value then after_nul(f, value:sub(j + 1), "value") end
      value = value:sub(1, j - 1)
    end
  end
  f.children = {}
  if t == "NAMEDARRAY" then
    f.children[1] = {name = "index", filter = f.filter .. ".index", offset = f.offset, size = 1, value = {t = "UCHAR", num = index}}
  end
  f.children[#f.children + 1] = {name = "name", filter = f.filter .. ".name", offset = off, size = #name, value = {t = "STRING", str = name}}
  f.children[#f.children + 1] = {name = "value", filter = f.filter .. ".value", offset = value_off, size = #value, value = {t = "STRING", str = value}}
  if #name > 32 then field_expert(f, "warning", "cti.field.too_long", string.format("name has %d bytes, more than 32", #name)) end
  if #value > 210 then field_expert(f, "warning", "cti.field.too_long", string.format("value has %d bytes, more than 210", #value)) end
  f.value = {t = t, index = index, name = name, str = value}
end

local function guess_text(data)
  local t = data
  if t:sub(-1) == "\0" then t = t:sub(1, -2) end
  if #t > 0 and printable(t) then return {t = "STRING", str = t} end
  return {t = "UNSPEC", bytes = data}
end

local function check_number(f)
  local fd, v = f.def, f.value
  if not fd then return end
  if v.t == "BOOL" and v.num > 1 then
    field_expert(f, "note", "cti.bool.value", string.format("BOOL holds %d; read as true", v.num))
  end
  if fd.enum and C.enums[fd.enum] and #C.enums[fd.enum] > 0 and not ENUM[fd.enum][u32(v.num)] then
    field_expert(f, "note", "cti.enum.unknown_value", string.format("%d is not a %s value", v.num, fd.enum))
  end
  if fd.mask then
    local rest = v.num
    for _, b in ipairs(MASK[fd.mask]) do
      if b[1] ~= 0 and has_bits(v.num, b[1]) then
        f.children = f.children or {}
        f.children[#f.children + 1] = {name = b[2], filter = fd.filter, bit = b[1], offset = f.offset, size = f.size,
                                       value = {t = "BOOL", num = 1}}
      end
      rest = clear_bits(rest, b[1])
    end
    if rest ~= 0 then
      field_expert(f, "note", "cti.mask.unknown_bits", string.format("bits 0x%x are not %s bits", rest, fd.mask))
    end
  end
end

local function decode_value(m, f, t, data)
  local fd = f.def
  if INTEGER[t] or t == "BOOL" then
    local want = type_size(t)
    if #data ~= want and not (fd and fd.max == #data and #data <= 8 and #data > 0) then
      f.value = {t = "UNSPEC", bytes = data}
      field_expert(f, "warning", "cti.field.size", string.format("%s needs %d bytes, the field has %d", t, want, #data))
      return
    end
    local n = be(data, 1, #data)
    if SIGNED[t] and n >= 2 ^ (8 * #data - 1) then n = n - 2 ^ (8 * #data) end
    f.value = {t = t, num = n}
    check_number(f)
  elseif t == "STRING" then
    decode_string(m, f, data)
  elseif t == "NAMEDVAR" or t == "NAMEDARRAY" then
    decode_named(f, t, data)
  else
    f.value = {t = "UNSPEC", bytes = data}
  end
  if fd and fd.max and fd.max > 0 and #data > fd.max then
    field_expert(f, "warning", "cti.field.too_long", string.format("%d bytes, more than the maximum of %d", #data, fd.max))
  end
end

-- pick_def maps a tag to the message's floating definition; a tag defined
-- more than once takes its definitions in turn.
local function pick_def(def, tag, version, tag_seen)
  for i, fd in ipairs(def.floating) do
    if fd.tag == tag then
      if fd.tag_unique then return i end
      break
    end
  end
  local first, count = nil, 0
  for pass = 0, 1 do
    if count > 0 then break end
    for i, fd in ipairs(def.floating) do
      if fd.tag == tag and not (pass == 0 and version > 0 and (fd.version or 0) > version) then
        first = first or i
        count = count + 1
      end
    end
  end
  if not first then return nil end
  local k = (tag_seen[first] or 0) % count
  tag_seen[first] = (tag_seen[first] or 0) + 1
  for pass = 0, 1 do
    for i, fd in ipairs(def.floating) do
      if fd.tag == tag and not (pass == 0 and version > 0 and (fd.version or 0) > version) then
        if k == 0 then return i end
        k = k - 1
      end
    end
  end
  return first
end

local function integer_value(v) return INTEGER[v.t] ~= nil end

local function get_field(m, name)
  for _, f in ipairs(m.fields) do if f.name == name then return f end end
end

local function msg_uint(m, name)
  local f = get_field(m, name)
  if f and (integer_value(f.value) or f.value.t == "BOOL") then return f.value.num end
end

local function check_required(m, def, seen)
  if m.fixed_size < def.min_fixed then return end
  for i, fd in ipairs(def.floating) do
    if fd.required and (seen[i] or 0) == 0 and not (fd.version and m.version > 0 and fd.version > m.version) then
      local any = false
      for j, g in ipairs(def.floating) do
        if g.tag == fd.tag and (seen[j] or 0) > 0 then any = true end
      end
      if not any then
        expert_add(m.expert, "warning", "cti.required_missing",
          string.format("required floating field %s (tag %d) is missing", fd.name, fd.tag), fd.filter)
      end
    end
  end
end

local function same_counter(a, b)
  return a.count ~= nil and a.count_fixed == b.count_fixed and a.count_float == b.count_float
end

local function count_value(m, def, fd)
  if fd.count_fixed then
    local want = def.fixed[fd.count_fixed]
    for _, f in ipairs(m.fields) do
      if f.def == want and integer_value(f.value) then return f.value.num, f end
    end
    return nil
  end
  local want = def.floating[fd.count_float]
  local sum, found = 0, false
  for _, f in ipairs(m.fields) do
    if f.def == want and integer_value(f.value) then sum, found = sum + f.value.num, true end
  end
  if found then return sum end
end

local function check_counts(m, def, seen)
  for i, fd in ipairs(def.floating) do
    local leader = i
    if fd.count then
      for j = 1, i - 1 do
        if same_counter(def.floating[j], fd) then leader = j; break end
      end
    end
    if fd.count and leader == i then
      local actual = 0
      for j, g in ipairs(def.floating) do
        if same_counter(g, fd) and (seen[j] or 0) > actual then actual = seen[j] end
      end
      local expected, where = count_value(m, def, fd)
      if expected and expected ~= actual then
        local msg = string.format("%s says %d, the floating part has %d %s record(s)", fd.count, expected, actual, fd.name)
        if where then field_expert(where, "warning", "cti.repeat.count_mismatch", msg)
        else expert_add(m.expert, "warning", "cti.repeat.count_mismatch", msg, fd.count_filter) end
      end
    end
  end
end

local function decode_floating(m, def, b, base, l)
  local seen, tag_seen = {}, {}
  local pos = 1
  while pos <= #b do
    local tag, n = read_header(l, b, pos)
    if not tag then
      local f = raw_field(b:sub(pos), base + pos - 1)
      field_expert(f, "error", "cti.malformed.floating", string.format(
        "%d bytes left: too few for a floating field header (%s)", #b - pos + 1, l.describe))
      m.fields[#m.fields + 1] = f
      break
    end
    local start = pos + l.hdr
    local declared, cut = n, false
    if n > #b - start + 1 then n, cut = #b - start + 1, true end
    local idx = pick_def(def, tag, m.version, tag_seen)
    local f = {tag = tag, hdr_offset = base + pos - 1, offset = base + start - 1, size = n}
    m.fields[#m.fields + 1] = f
    local data = b:sub(start, start + n - 1)
    local typ
    if idx then
      local fd = def.floating[idx]
      seen[idx] = (seen[idx] or 0) + 1
      f.def, f.name, f.filter, f.secret, typ = fd, fd.name, fd.filter, fd.secret, fd.type
      if fd.repeats then f.occurrence = seen[idx] end
      if fd.version and m.version > 0 and fd.version > m.version then
        field_expert(f, "note", "cti.field.version", string.format(
          "%s exists from protocol version %d; this session speaks version %d", fd.name, fd.version, m.version))
      end
    elseif TAG[tag] then
      local fd = TAG[tag]
      f.def, f.name, f.filter, f.secret, typ = fd, fd.name, fd.filter, fd.secret, fd.type
      -- Decoded by the tag table's name and type: a server may well send
      -- more than the guide lists for a message.
      field_expert(f, "note", "cti.field.not_allowed", string.format("tag %d (%s) is not defined for %s; decoded by the tag table", tag, fd.name, def.name))
    else
      f.name, f.filter = "tag " .. tag, C.filters.unknown_tag
      f.value = guess_text(data)
      local shown = "hex"
      if f.value.t == "STRING" then shown = "text" end
      field_expert(f, "warning", "cti.unknown_tag", string.format("FieldDataID %d is not in the catalog; data shown as %s", tag, shown))
      typ = "UNKNOWN"
    end
    if typ ~= "UNKNOWN" then
      decode_value(m, f, typ, data)
    elseif not f.value then
      f.value = guess_text(data)
    end
    if cut then
      field_expert(f, "error", "cti.malformed.floating", string.format("FieldLength is %d but only %d bytes remain", declared, n))
    end
    pos = start + n
  end
  check_required(m, def, seen)
  check_counts(m, def, seen)
end

-- shape_notes says what the message's shape shows that the session did
-- not expect; what the session assumes once is its note, not the message's.
local function shape_notes(m, def, sh, ctx)
  if sh.n < #def.fixed and sh.fits and ctx.version == 0 then
    -- With no version known, the session says once that its server
    -- speaks an older version.
    m.older_than = def.fixed[sh.n + 1].version
  end
  if sh.n < #def.fixed and sh.fits and ctx.version > 0 and (def.fixed[sh.n + 1].version or 0) <= ctx.version then
    local names = {}
    for i = sh.n + 1, #def.fixed do
      names[#names + 1] = string.format("%s (version %d)", def.fixed[i].name, def.fixed[i].version or 0)
    end
    expert_add(m.expert, "note", "cti.version.field_absent", "fixed part ends before " .. table.concat(names, ", ") .. ": a message of an older protocol version")
  end
  if sh.switched then
    local was = "unknown"
    if ctx.layout then was = ctx.layout.name end
    expert_add(m.expert, "warning", "cti.layout.mismatch", string.format(
      "the session's floating header layout %s does not fit this message; %s (%s) does and was used",
      was, sh.layout.name, sh.layout.describe))
  end
end

local function decode_body(m, def, frame, ctx)
  local body = frame:sub(HL + 1)
  if def.name == "OPEN_REQ" and #body >= 8 and ctx.source ~= "forced" then m.version = be(body, 5, 4) end
  local sh = choose_shape(def, body, ctx)
  m.layout, m.layout_source, m.fixed_size, m.ev = sh.layout, sh.source, sh.size, sh.ev
  local pos = 0
  for i = 1, sh.n do
    local fd = def.fixed[i]
    if pos + fd.size > #body then
      if pos < #body then m.fields[#m.fields + 1] = raw_field(body:sub(pos + 1), HL + pos) end
      expert_add(m.expert, "error", "cti.malformed.fixed_truncated", string.format(
        "body ends after %d bytes, inside the fixed part (%d bytes): %s and the fields after it are missing",
        #body, def.fixed_size, fd.name), fd.filter)
      m.fixed_size = #body
      return
    end
    local f = {def = fd, name = fd.name, filter = fd.filter, tag = -1, offset = HL + pos, size = fd.size, secret = fd.secret}
    m.fields[#m.fields + 1] = f
    decode_value(m, f, fd.type, body:sub(pos + 1, pos + fd.size))
    pos = pos + fd.size
  end
  for _ = 1, sh.extra do
    local f = {def = EXTRA_UINT, name = EXTRA_UINT.name, filter = EXTRA_UINT.filter, tag = -1, offset = HL + pos, size = 4}
    m.fields[#m.fields + 1] = f
    decode_value(m, f, "UINT", body:sub(pos + 1, pos + 4))
    pos = pos + 4
  end
  shape_notes(m, def, sh, ctx)
  decode_floating(m, def, body:sub(pos + 1), HL + pos, sh.layout or LAYOUT["1+1"])
end

---------------------------------------------------------------------------
-- Secrets by their bytes (dissect.SecretMask, maskSecretOverlaps): a wrong
-- or forced layout may decode a password's bytes under another name.
---------------------------------------------------------------------------

-- floating_clean: the floating part was read to its end with only tags
-- its message declares, so its decoded fields say where the secrets are.
local UNCLEAN = {["cti.malformed.floating"] = true, ["cti.field.not_allowed"] = true, ["cti.unknown_tag"] = true}
local function floating_clean(m)
  for _, f in ipairs(m.fields) do
    if f.tag and f.tag >= 0 and (not f.def or not m.def.tag_idx[f.tag]) then return false end
    for _, e in ipairs(f.expert or {}) do
      if UNCLEAN[e.code] then return false end
    end
  end
  for _, e in ipairs(m.expert) do
    if e.code == "cti.malformed.fixed_truncated" or e.code == "cti.malformed.length" then return false end
  end
  return true
end

-- mark_secret_tags marks the data of secret tags in b (at frame offset
-- base) if b parses exactly as floating records under l.
local function mark_secret_tags(def, b, base, l, mark)
  local pos = 1
  while pos <= #b do
    local _, n = read_header(l, b, pos)
    if not n or pos - 1 + l.hdr + n > #b then return false end
    pos = pos + l.hdr + n
  end
  local found = false
  pos = 1
  while pos <= #b do
    local tag, n = read_header(l, b, pos)
    local i = def.tag_idx[tag]
    if i and def.floating[i].secret then
      mark(base + pos - 1 + l.hdr, base + pos - 1 + l.hdr + n)
      found = true
    end
    pos = pos + l.hdr + n
  end
  return found
end

-- secret_mask marks (by 0-based frame offset) the bytes holding a secret.
local function secret_mask(m)
  local mask
  local function mark(from, to)
    if from < 0 then from = 0 end
    if to > #m.frame then to = #m.frame end
    for i = from, to - 1 do
      mask = mask or {}
      mask[i] = true
    end
  end
  local found = false
  for _, f in ipairs(m.fields) do
    if f.secret or (f.def and f.def.secret) then
      mark(f.offset, f.offset + f.size)
      found = true
    end
  end
  local def = m.def
  if not def or not def.has_secret or #m.frame < HL or floating_clean(m) then return mask end
  local body = m.frame:sub(HL + 1)
  local n = be(m.frame, 1, 4)
  if n < #body then body = body:sub(1, n) end
  local opts = fixed_options(def, {version = 0, open_req_extra = -1})
  for _, l in ipairs(LAYOUTS) do
    for _, o in ipairs(opts) do
      local size = size_of(def, o)
      if size < #body then
        found = mark_secret_tags(def, body:sub(size + 1), HL + size, l, mark) or found
      end
    end
  end
  if not found then mark(HL + math.min(m.fixed_size, #body), HL + #body) end
  return mask
end

-- mask_secret_overlaps marks as secret every field whose bytes the mask covers.
local function mask_secret_overlaps(m)
  local mask = secret_mask(m)
  if not mask then return end
  local function walk(fs)
    for _, f in ipairs(fs or {}) do
      local j = math.max(f.offset, 0)
      while j < f.offset + f.size and j < #m.frame do
        if mask[j] then f.secret = true; break end
        j = j + 1
      end
      walk(f.children)
    end
  end
  walk(m.fields)
end

-- match_lost_id: the catalog message without a known type ID whose layout
-- the body fits exactly, with a non-empty floating part of its own tags.
local function match_lost_id(body, ctx)
  for _, d in ipairs(C.msgs) do
    if not d.known then
      local sh = choose_shape(d, body, ctx)
      if sh.fits and sh.clean and sh.size < #body then return d end
    end
  end
end

local function decode(frame, ctx)
  local m = {frame = frame, version = ctx.version, fields = {}, expert = {}, header = {}}
  if #frame < HL then
    m.fields[1] = raw_field(frame, 0)
    expert_add(m.expert, "error", "cti.malformed.header", string.format("frame has %d bytes, a header needs %d", #frame, HL))
    return m
  end
  m.body_length, m.type_id = be(frame, 1, 4), be(frame, 5, 4)
  m.header[1] = {def = HDR_LENGTH, name = HDR_LENGTH.name, filter = HDR_LENGTH.filter, tag = -1, offset = 0, size = 4, value = {t = "UINT", num = m.body_length}}
  m.header[2] = {def = HDR_TYPE, name = HDR_TYPE.name, filter = HDR_TYPE.filter, tag = -1, offset = 4, size = 4, value = {t = "UINT", num = m.type_id}}
  local body = frame:sub(HL + 1)
  local trailing
  if m.body_length > #body then
    field_expert(m.header[1], "error", "cti.malformed.length",
      string.format("BodyLength is %d but only %d body bytes are present", m.body_length, #body))
  elseif m.body_length < #body then
    trailing = body:sub(m.body_length + 1)
    body = body:sub(1, m.body_length)
  end
  if m.body_length > C.guide_max_body then
    field_expert(m.header[1], "warning", "cti.large_message",
      string.format("BodyLength %d is above the guide's limit of %d", m.body_length, C.guide_max_body))
  end
  local def = BYID[m.type_id]
  if not def then
    local lost = match_lost_id(body, ctx)
    if lost then
      m.def = lost
      field_expert(m.header[2], "warning", "cti.unknown_message", string.format(
        "message type %d is not in the catalog; its body parses exactly as %s, whose type ID the guide does not give", m.type_id, lost.name))
      decode_body(m, lost, frame:sub(1, HL + #body), ctx)
    else
      field_expert(m.header[2], "warning", "cti.unknown_message", string.format("message type %d is not in the catalog; body shown as raw bytes", m.type_id))
      if #body > 0 then m.fields[#m.fields + 1] = raw_field(body, HL) end
    end
  else
    m.def = def
    decode_body(m, def, frame:sub(1, HL + #body), ctx)
  end
  if def and def.has_secret then mask_secret_overlaps(m) end
  if trailing then
    local f = raw_field(trailing, HL + m.body_length)
    field_expert(f, "error", "cti.malformed.trailing", string.format("%d bytes follow the BodyLength of %d", #trailing, m.body_length))
    m.fields[#m.fields + 1] = f
  end
  return m
end

local function msg_name(m)
  if m.def then return m.def.name end
  return "UNKNOWN_" .. tostring(m.type_id or 0)
end

local function all_expert(m)
  local out = {}
  local function walk(fs)
    for _, f in ipairs(fs) do
      for _, e in ipairs(f.expert or {}) do out[#out + 1] = e end
      walk(f.children or {})
    end
  end
  for _, e in ipairs(m.expert) do out[#out + 1] = e end
  walk(m.header)
  walk(m.fields)
  return out
end

---------------------------------------------------------------------------
-- Sessions (dissect.Session): version and layout learnt from OPEN_REQ.
---------------------------------------------------------------------------

-- session_version_layout settles the layout from a protocol version where
-- the dialects agree on it; where they do not, the bytes decide, leaning
-- to the first (UCCX's).
local function session_version_layout(s, v)
  local ls = layouts_for_version(v)
  if #ls == 1 then
    s.layout, s.source, s.ambiguous = ls[1], "version", false
  elseif #ls == 2 then
    s.layout, s.source, s.lean, s.ambiguous = nil, "none", ls[1], true
    for _, l in ipairs(LAYOUTS) do s.tally[l.name] = {fit = 0, miss = 0, score = 0} end
  end
end

local function new_session(opts)
  local s = {opts = opts, version = opts.version, layout = nil, source = "none", lean = nil, open_req_extra = -1,
             notes = {}, told = 0, tally = {}, ambiguous = false, pending = {}, npending = 0}
  for _, l in ipairs(LAYOUTS) do s.tally[l.name] = {fit = 0, miss = 0, score = 0} end
  if opts.layout then
    s.layout, s.source = opts.layout, "forced"
  elseif opts.version ~= 0 then
    session_version_layout(s, opts.version)
  end
  return s
end

local function session_context(s)
  return {version = s.version, layout = s.layout, source = s.source, lean = s.lean, open_req_extra = s.open_req_extra}
end

-- session_note records an assumption once (at most C.rules.max_notes).
local function session_note(s, code, text)
  for _, n in ipairs(s.notes) do
    if n.code == code and n.text == text then return end
  end
  if #s.notes < R.max_notes then s.notes[#s.notes + 1] = {code = code, text = text} end
end

local function learn_open_req(s, version, extra_bytes, used)
  if s.opts.version == 0 and version > 0 and version <= C.max_version then
    s.version = version
    if not s.opts.layout then
      session_version_layout(s, version)
      if s.ambiguous and used then s.lean = used end -- OPEN_REQ's own floating part already voted
    end
  end
  if extra_bytes >= 0 then
    s.open_req_extra = math.floor(extra_bytes / 4)
    if s.open_req_extra > 0 then
      session_note(s, "cti.doubt.open_req_reserved", "OPEN_REQ carries three reserved UINTs after ConfigMsgMask (the UCCE layout)")
    else
      session_note(s, "cti.doubt.open_req_reserved", "OPEN_REQ ends its fixed part at ConfigMsgMask (no reserved UINTs after it)")
    end
  end
end

local function lean_order(s)
  local order = {}
  if s.lean then order[1] = s.lean end
  for _, l in ipairs(LAYOUTS) do if l ~= s.lean then order[#order + 1] = l end end
  return order
end

-- learn_shape adds one message's layout evidence and settles the layout
-- once one layout clearly explains the connection's bytes best.
local function learn_shape(s, ev, older_than)
  if older_than and older_than > 0 and s.version == 0 then
    session_note(s, "cti.version.field_absent", string.format(
      "fixed parts end before their version-%d fields: the server speaks an older protocol version", older_than))
  end
  if not ev or not ev.compared or s.source ~= "none" then return end
  for _, l in ipairs(LAYOUTS) do
    local t = s.tally[l.name]
    if ev.fit[l.name] then
      t.fit, t.score = t.fit + 1, t.score + ev.score[l.name]
    else
      t.miss = t.miss + 1
    end
  end
  -- Contenders read (nearly) every message exactly.
  local function contender(l)
    local t = s.tally[l.name]
    return t.fit > 0 and t.miss * R.miss_ratio <= t.fit
  end
  local leader
  for _, l in ipairs(lean_order(s)) do
    if contender(l) and (not leader or s.tally[l.name].score > s.tally[leader.name].score) then leader = l end
  end
  if not leader then return end
  s.lean = leader
  local runner = 0
  for _, l in ipairs(LAYOUTS) do
    if l ~= leader and contender(l) then runner = math.max(runner, s.tally[l.name].score) end
  end
  if s.tally[leader.name].score - runner < R.settle_margin then return end
  s.layout, s.source = leader, "detected"
  local why = string.format("floating header layout %s (%s) inferred from the bytes: %d message(s) read exactly under it",
    leader.name, leader.describe, s.tally[leader.name].fit)
  if s.ambiguous then
    why = why .. string.format("; protocol version %d allows %s", s.version, version_layouts_text(s.version))
  end
  session_note(s, "cti.layout.detected", why)
end

-- session_observe learns from a decoded message; it returns the notes the
-- session took at it.
local function session_observe(s, m)
  -- A type ID outside the catalog teaches nothing but its shape.
  if m.def and m.def.known and m.def.name == "OPEN_REQ" then
    learn_open_req(s, msg_uint(m, "VersionNumber") or 0, m.fixed_size - m.def.fixed_size, m.layout)
  end
  learn_shape(s, m.ev, m.older_than)
  local new = {}
  for i = s.told + 1, #s.notes do new[#new + 1] = s.notes[i] end
  s.told = #s.notes
  return new
end

---------------------------------------------------------------------------
-- Text: values and the Info column (render.Info).
---------------------------------------------------------------------------

local function time_text(n) return os.date("!%Y-%m-%dT%H:%M:%SZ", u32(n)) end

local function value_text(v)
  local t = v.t
  if t == "BOOL" then return tostring(v.num ~= 0) end
  if t == "STRING" then return v.str end
  if t == "UNSPEC" then return hex(v.bytes) end
  if t == "NAMEDVAR" then return v.name .. "=" .. v.str end
  if t == "NAMEDARRAY" then return v.name .. "[" .. v.index .. "]=" .. v.str end
  return string.format("%d", v.num)
end

local function mask_names(mask, v)
  if v == 0 then return "none" end
  local parts, rest = {}, v
  for _, b in ipairs(MASK[mask]) do
    if b[1] ~= 0 and has_bits(v, b[1]) then
      parts[#parts + 1] = b[2]
      rest = clear_bits(rest, b[1])
    end
  end
  if rest ~= 0 then parts[#parts + 1] = string.format("0x%x", rest) end
  return table.concat(parts, " | ")
end

local prefs_show_secrets = false

local function is_secret(f) return f.secret or (f.def and f.def.secret) end

local function short_value(f)
  if is_secret(f) and not prefs_show_secrets then return C.secret_mask end
  local v = f.value
  if f.def and integer_value(v) then
    if f.def.enum then
      local name = ENUM[f.def.enum][u32(v.num)]
      if name and name ~= "reserved" then return name end
      return value_text(v)
    elseif f.def.mask then
      return (mask_names(f.def.mask, v.num):gsub(" | ", "|"))
    elseif v.t == "TIME" then
      return time_text(v.num)
    end
  end
  return value_text(v)
end

local function unnamed_enum(f)
  if not f or not f.def or not f.def.enum or not integer_value(f.value) then return false end
  local name = ENUM[f.def.enum][u32(f.value.num)]
  return not name or name == "reserved"
end

local function parse_segment(s)
  local parts = {}
  while s ~= "" do
    local i = s:find("{", 1, true)
    if not i then parts[#parts + 1] = {lit = s}; break end
    if i > 1 then parts[#parts + 1] = {lit = s:sub(1, i - 1)} end
    local j = s:find("}", i, true)
    local ph, mods = s:sub(i + 1, j - 1), {}
    for x in ph:gmatch("[^:]+") do mods[#mods + 1] = x end
    local field = table.remove(mods, 1)
    parts[#parts + 1] = {field = field, mods = mods}
    s = s:sub(j + 1)
  end
  return parts
end

local INFO = {}
for name, segs in pairs(C.info) do
  INFO[name] = {}
  for i, s in ipairs(segs) do INFO[name][i] = parse_segment(s) end
end

local function has_mod(mods, x)
  for _, m in ipairs(mods) do if m == x then return true end end
  return false
end

local function quote(s) -- strconv.Quote for the text servers send
  return '"' .. s:gsub('[\\"]', "\\%0"):gsub("[%z\1-\31\127]", function(c)
    local named = {["\a"] = "\\a", ["\b"] = "\\b", ["\f"] = "\\f", ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t", ["\v"] = "\\v"}
    return named[c] or string.format("\\x%02x", c:byte())
  end) .. '"'
end

local function list_field(m, name, rec)
  local max, items, n, rec_idx, rec_types = 4, {}, 0, 1, {}
  if rec then
    for _, f in ipairs(m.fields) do
      if f.name == "RecordType" then rec_types[#rec_types + 1] = short_value(f) end
    end
  end
  for _, f in ipairs(m.fields) do
    if f.name == name then
      n = n + 1
      if #items < max then
        local s = short_value(f)
        if rec and rec_types[rec_idx] then s = rec_types[rec_idx] .. " " .. s end
        items[#items + 1] = s
      end
      rec_idx = rec_idx + 1
    end
  end
  if n == 0 then return nil end
  local s = table.concat(items, ", ")
  if n > max then s = s .. ", +" .. (n - max) .. " more" end
  return s
end

local function values_equal(a, b)
  return a.t == b.t and a.num == b.num and a.str == b.str and a.name == b.name and a.index == b.index and a.bytes == b.bytes
end

local function eval_field(m, name, mods)
  if has_mod(mods, "count") then
    local n = 0
    for _, f in ipairs(m.fields) do if f.name == name then n = n + 1 end end
    if n > 0 then return tostring(n) end
    return nil
  end
  if has_mod(mods, "list") or has_mod(mods, "rec") then return list_field(m, name, has_mod(mods, "rec")) end
  local f = get_field(m, name)
  if not f then return nil end
  local v = f.value
  for _, md in ipairs(mods) do
    local other = md:match("^ne=(.*)$")
    if other then
      local g = get_field(m, other)
      if g and values_equal(g.value, v) then return nil end
    end
  end
  if has_mod(mods, "nz") and (integer_value(v) or v.t == "BOOL") and v.num == 0 then return nil end
  if has_mod(mods, "mode") then
    if v.num and bit_set(v.num, 0x10) then return "bridge" end
    if v.num and bit_set(v.num, 0x01) then return "agent" end
    return nil
  end
  if has_mod(mods, "online") and v.t == "BOOL" then
    if v.num ~= 0 then return "online" end
    return "offline"
  end
  local s = short_value(f)
  if has_mod(mods, "state") and s:sub(1, 12) == "AGENT_STATE_" then s = s:sub(13) end
  if has_mod(mods, "q") and s ~= "" then s = quote(s) end
  return s
end

local function eval_segment(m, parts)
  local out = {}
  for _, p in ipairs(parts) do
    if not p.field then
      out[#out + 1] = p.lit
    else
      local v = eval_field(m, p.field, p.mods)
      if not v or v == "" then return nil end
      if #parts == 1 and #p.mods == 0 and unnamed_enum(get_field(m, p.field)) then v = p.field .. "=" .. v end
      out[#out + 1] = v
    end
  end
  return table.concat(out)
end

local function generic_info(m)
  local parts, non_invoke = {}, 0
  for _, f in ipairs(m.fields) do
    if not ((f.def and f.def.name == "reserved") or f.name == "InvokeID") then
      non_invoke = non_invoke + 1
      local v = f.value
      if #parts < 4 and not (((integer_value(v) or v.t == "BOOL") and v.num == 0) or (v.t == "STRING" and v.str == "")) then
        parts[#parts + 1] = f.name .. "=" .. short_value(f)
      end
    end
  end
  if non_invoke == 0 then
    local id = msg_uint(m, "InvokeID")
    if id then return "invoke " .. string.format("%d", id) end
  end
  return table.concat(parts, " ")
end

local function append_expert(s, m)
  local max, shown, more, out = 2, 0, 0, {s}
  for _, e in ipairs(all_expert(m)) do
    if e.severity == "warning" or e.severity == "error" then
      if shown == max then
        more = more + 1
      else
        shown = shown + 1
        local label = e.severity
        if e.code:sub(1, 13) == "cti.malformed" then label = "malformed" end
        out[#out + 1] = "[" .. label .. ": " .. e.message .. "]"
      end
    end
  end
  if more > 0 then out[#out + 1] = "[+" .. more .. " more]" end
  local r = table.concat(out, " ")
  if s == "" then r = r:gsub("^ ", "") end
  return r
end

local function info(m)
  local s
  if not m.def then
    s = string.format("unknown message type %d, %d-byte body", m.type_id or 0, m.body_length or 0)
  elseif INFO[m.def.name] then
    local segs = {}
    for _, parts in ipairs(INFO[m.def.name]) do
      local x = eval_segment(m, parts)
      if x and x ~= "" then segs[#segs + 1] = x end
    end
    s = table.concat(segs, " ")
  else
    s = generic_info(m)
  end
  s = s:gsub(":$", "")
  return append_expert(s, m)
end

---------------------------------------------------------------------------
-- Wireshark: protocol, fields, experts, preferences.
---------------------------------------------------------------------------

local cti = Proto("cti", "Cisco CTI Protocol (Unified CCX / UCCE CTI server)")

local PF, pf_list = {}, {}
local VS = {}
local function value_string(enum)
  if not VS[enum] then
    local t = {}
    for _, v in ipairs(C.enums[enum]) do t[v[1]] = v[2] end
    VS[enum] = t
  end
  return VS[enum]
end

local KIND = {UCHAR = "uint8", CHAR = "int8", USHORT = "uint16", SHORT = "int16", UINT = "uint32", INT = "int32",
              TIME = "time", BOOL = "bool", STRING = "string", UNSPEC = "bytes", NAMEDVAR = "string", NAMEDARRAY = "string"}

local function pf_key(filter, kind, tbl) return filter .. "|" .. kind .. "|" .. (tbl or "") end

local function make_pf(filter, label, kind, enum, mask)
  local key = pf_key(filter, kind, enum or mask)
  if PF[key] then return end
  local f
  local vs = enum and value_string(enum) or nil
  local b = base.DEC
  if mask then b = base.HEX end
  if kind == "uint8" then f = ProtoField.uint8(filter, label, b, vs)
  elseif kind == "uint16" then f = ProtoField.uint16(filter, label, b, vs)
  elseif kind == "uint32" or kind == "time" then f = ProtoField.uint32(filter, label, b, vs)
  elseif kind == "int8" then f = ProtoField.int8(filter, label, base.DEC, vs)
  elseif kind == "int16" then f = ProtoField.int16(filter, label, base.DEC, vs)
  elseif kind == "int32" then f = ProtoField.int32(filter, label, base.DEC, vs)
  elseif kind == "bool" then f = ProtoField.bool(filter, label)
  elseif kind == "bytes" then f = ProtoField.bytes(filter, label)
  else f = ProtoField.string(filter, label) end
  PF[key] = f
  pf_list[#pf_list + 1] = f
end

local function bit_key(filter, mask, bit) return filter .. "|bit|" .. mask .. "|" .. string.format("%d", bit) end

local function make_def_fields(fd)
  local kind = KIND[fd.type]
  if kind then make_pf(fd.filter, fd.name, kind, fd.enum, fd.mask) end
  if fd.floating or not kind then
    -- A floating value whose length does not fit its type, or a tag whose
    -- type the guide lost, is shown as bytes or text.
    make_pf(fd.filter, fd.name, "bytes")
    make_pf(fd.filter, fd.name, "string")
  end
  if fd.secret then make_pf(fd.filter, fd.name, "string") end
  if fd.mask then
    for _, b in ipairs(MASK[fd.mask]) do
      local key = bit_key(fd.filter, fd.mask, b[1])
      if b[1] ~= 0 and not PF[key] then
        PF[key] = ProtoField.bool(fd.filter, b[2], 8 * (fd.size or type_size(fd.type)), nil, b[1])
        pf_list[#pf_list + 1] = PF[key]
      end
    end
  end
  if fd.type == "NAMEDVAR" or fd.type == "NAMEDARRAY" then
    make_pf(fd.filter .. ".name", "name", "string")
    make_pf(fd.filter .. ".value", "value", "string")
    if fd.type == "NAMEDARRAY" then make_pf(fd.filter .. ".index", "index", "uint8") end
  end
  if fd.type == "STRING" and fd.device_id then
    make_pf(fd.filter .. ".primary", "Primary", "string")
    make_pf(fd.filter .. ".actual", "Actual", "string")
  end
end

make_pf(C.filters.length, "BodyLength", "uint32")
PF[pf_key(C.filters.msg_type_id, "uint32")] = ProtoField.uint32(C.filters.msg_type_id, "MessageTypeID", base.DEC, MSGTYPE_VS)
pf_list[#pf_list + 1] = PF[pf_key(C.filters.msg_type_id, "uint32")]
make_pf(C.filters.msg_type, "Message type", "string")
make_pf(C.filters.reserved, "reserved", "uint32")
make_pf(C.filters.data, "data", "bytes")
make_pf(C.filters.unknown_tag, "unknown tag", "string")
make_pf(C.filters.unknown_tag, "unknown tag", "bytes")
for _, m in ipairs(C.msgs) do
  for _, list in ipairs({m.fixed, m.floating}) do
    for _, fd in ipairs(list) do make_def_fields(fd) end
  end
end
for _, t in ipairs(C.tags) do make_def_fields(TAG[t.tag]) end

local PF_RESPONSE_IN = ProtoField.framenum(C.filters.response_in, "Response in", base.NONE, frametype and frametype.RESPONSE or nil)
local PF_REQUEST_IN = ProtoField.framenum(C.filters.request_in, "Request in", base.NONE, frametype and frametype.REQUEST or nil)
local PF_RESPONSE_TIME = ProtoField.relative_time(C.filters.response_time, "Response time")
pf_list[#pf_list + 1] = PF_RESPONSE_IN
pf_list[#pf_list + 1] = PF_REQUEST_IN
pf_list[#pf_list + 1] = PF_RESPONSE_TIME
cti.fields = pf_list

local PE, pe_list = {}, {}
local SEVERITY = {note = expert.severity.NOTE, warning = expert.severity.WARN, ["error"] = expert.severity.ERROR}
for _, e in ipairs(C.experts) do
  local group = expert.group.PROTOCOL
  if e.code:sub(1, 13) == "cti.malformed" then group = expert.group.MALFORMED end
  local pe = ProtoExpert.new(e.code, e.code, group, SEVERITY[e.severity])
  PE[e.code .. "|" .. e.severity] = pe
  pe_list[#pe_list + 1] = pe
end
cti.experts = pe_list

local LAYOUT_PREF = {{1, "auto (from OPEN_REQ, else detect)", 0}}
for i, l in ipairs(LAYOUTS) do LAYOUT_PREF[#LAYOUT_PREF + 1] = {i + 1, l.name .. " (" .. l.describe .. ")", i} end

cti.prefs.ports = Pref.range("Server ports", C.ports, "TCP ports of CTI servers (UCCX 42027, UCCE 12028)", 65535)
cti.prefs.show_secrets = Pref.bool("Show secrets", false, "Show ClientPassword and AgentPassword instead of " .. C.secret_mask)
cti.prefs.version = Pref.uint("Protocol version", 0, "Force the protocol version (0 = from the session's OPEN_REQ)")
cti.prefs.layout = Pref.enum("Floating header layout", 0, "Force the floating field header layout", LAYOUT_PREF, false)

local function options()
  local l = nil
  if cti.prefs.layout and cti.prefs.layout > 0 then l = LAYOUTS[cti.prefs.layout] end
  return {version = cti.prefs.version or 0, layout = l}
end

---------------------------------------------------------------------------
-- Per-capture state: sessions by TCP stream, what the first pass learnt
-- for each message (its decode context, its request or response).
---------------------------------------------------------------------------

local f_tcp_stream = Field.new("tcp.stream")
local MAX_PENDING = 4096
local sessions, pdus = {}, {}

function cti.init()
  sessions, pdus = {}, {}
  prefs_show_secrets = cti.prefs.show_secrets
end

local function session_of(pinfo)
  local fi = f_tcp_stream()
  local key = fi and tostring(fi.value) or (tostring(pinfo.src) .. ":" .. pinfo.src_port .. "-" .. tostring(pinfo.dst) .. ":" .. pinfo.dst_port)
  local s = sessions[key]
  if not s then
    s = new_session(options())
    sessions[key] = s
  end
  return s
end

-- delta returns t - t0 in seconds, rounded to the microsecond (capture
-- times are doubles: finer digits are noise).
local function delta(t, t0) return math.floor((t - t0) * 1e6 + 0.5) / 1e6 end

local function pair(s, m, st, pinfo)
  if not m.def or m.def.kind == "event" then return end
  local id = msg_uint(m, "InvokeID")
  if not id then return end
  local now = pinfo.abs_ts
  if m.def.kind == "request" then
    if s.npending >= MAX_PENDING then s.pending, s.npending = {}, 0 end
    if not s.pending[id] then s.npending = s.npending + 1 end
    s.pending[id] = {frame = pinfo.number, at = now, st = st}
    return
  end
  local req = s.pending[id]
  if not req then return end
  s.pending[id], s.npending = nil, s.npending - 1
  local dt = delta(now, req.at)
  st.request = {frame = req.frame, dt = dt}
  req.st.response = {frame = pinfo.number, dt = dt}
end

---------------------------------------------------------------------------
-- The tree.
---------------------------------------------------------------------------

local function range(tvb, off, len)
  if off > tvb:len() then off = tvb:len() end
  if off + len > tvb:len() then len = tvb:len() - off end
  if len <= 0 then
    local ok, r = pcall(function() return tvb:range(off, 0) end)
    if ok then return r end
    return tvb:range(tvb:len() - 1, 1)
  end
  return tvb:range(off, len)
end

local function add_experts(item, list)
  for _, e in ipairs(list or {}) do
    local pe = PE[e.code .. "|" .. e.severity]
    if pe then item:add_proto_expert_info(pe, e.message) end
  end
end

local function add_field(tree, tvb, f)
  local r = range(tvb, f.offset, f.size)
  local v = f.value
  local fd = f.def
  local item
  if is_secret(f) and not prefs_show_secrets then
    item = tree:add(PF[pf_key(f.filter, "string")], r, C.secret_mask)
  else
    local kind = KIND[v.t] or "bytes"
    local key = pf_key(f.filter, kind)
    if fd and KIND[fd.type] == kind then key = pf_key(f.filter, kind, fd.enum or fd.mask) end
    local pf = PF[key]
    if not pf then pf, kind = PF[pf_key(C.filters.data, "bytes")], "bytes" end
    if kind == "bytes" then
      item = tree:add(pf, r)
    elseif kind == "string" then
      item = tree:add(pf, r, value_text(v))
    elseif kind == "bool" then
      item = tree:add(pf, r, v.num ~= 0)
    else
      item = tree:add(pf, r, v.num)
      if kind == "time" then item:append_text(" (" .. time_text(v.num) .. ")") end
      if fd and fd.mask then item:append_text(" (" .. mask_names(fd.mask, v.num) .. ")") end
    end
  end
  if f.tag and f.tag >= 0 then item:append_text(string.format(" [tag %d]", f.tag)) end
  for _, c in ipairs(f.children or {}) do
    if c.bit then
      item:add(PF[bit_key(f.filter, fd.mask, c.bit)], r)
    else
      add_field(item, tvb, c)
    end
  end
  add_experts(item, f.expert)
  return item
end

local function add_message(tree, tvb, pinfo, m, st)
  local name = msg_name(m)
  local item = tree:add(cti, tvb())
  item:set_text(string.format("Cisco CTI, %s, %d bytes", name, tvb:len()))
  for _, f in ipairs(m.header) do add_field(item, tvb, f) end
  item:add(PF[pf_key(C.filters.msg_type, "string")], range(tvb, 4, 4), name):set_generated()
  -- What the session learnt at this message, said once, as ctishark's tree
  -- does under its Session line: assumptions, not faults on the wire.
  for _, n in ipairs(st.notes or {}) do
    item:add(tvb(), "Session note (" .. n.code .. "): " .. n.text):set_generated()
  end
  for _, f in ipairs(m.fields) do add_field(item, tvb, f) end
  if st.response then
    item:add(PF_RESPONSE_IN, st.response.frame):set_generated()
    item:add(PF_RESPONSE_TIME, NSTime.new(math.floor(st.response.dt), math.floor((st.response.dt % 1) * 1e9 + 0.5))):set_generated()
  end
  if st.request then
    item:add(PF_REQUEST_IN, st.request.frame):set_generated()
    item:add(PF_RESPONSE_TIME, NSTime.new(math.floor(st.request.dt), math.floor((st.request.dt % 1) * 1e9 + 0.5))):set_generated()
  end
  add_experts(item, m.expert)
  return name
end

local function dissect_pdu(tvb, pinfo, tree)
  local frame = tvb:raw(0, tvb:len())
  -- The n-th message of a packet is the same message each time the packet
  -- is dissected; pinfo.private lives for one dissection of one packet.
  local nth = tonumber(pinfo.private["cti_n"] or "0") + 1
  pinfo.private["cti_n"] = tostring(nth)
  local key = tostring(pinfo.number) .. ":" .. nth
  local st = pdus[key]
  local m
  if not st or not pinfo.visited then
    local s = session_of(pinfo)
    st = st or {}
    st.ctx = session_context(s)
    pdus[key] = st
    m = decode(frame, st.ctx)
    st.notes = session_observe(s, m)
    pair(s, m, st, pinfo)
  else
    m = decode(frame, st.ctx)
  end
  pinfo.cols.protocol = "CTI"
  local name = add_message(tree, tvb, pinfo, m, st)
  local text = name
  local i = info(m)
  if i ~= "" then text = text .. " " .. i end
  if nth == 1 then
    pinfo.cols.info = text
  else
    pinfo.cols.info:append(", " .. text)
  end
  return tvb:len()
end

local function pdu_len(tvb, pinfo, offset)
  local n = tvb:range(offset, 4):uint()
  if n > C.max_frame_body then
    -- Not a frame boundary anyone would send: take the rest of the
    -- segment as one (malformed) frame instead of waiting for it.
    return tvb:len() - offset
  end
  return HL + n
end

function cti.dissector(tvb, pinfo, tree)
  dissect_tcp_pdus(tvb, tree, HL, pdu_len, dissect_pdu, true)
  return tvb:len()
end

-- plausible mirrors dissect.Framing.FrameLen: a known message type and a
-- body between its shortest fixed part and the largest frame accepted.
local function plausible(tvb)
  if tvb:len() < HL then return false end
  local n, id = tvb:range(0, 4):uint(), tvb:range(4, 4):uint()
  local def = BYID[id]
  if not def or n > C.max_frame_body or n < def.min_fixed then return false end
  if #def.floating == 0 and n > def.fixed_size then return false end
  if tvb:len() >= HL + n then
    -- The whole first frame is here: it must decode without errors.
    for _, e in ipairs(all_expert(decode(tvb:raw(0, HL + n), {version = 0, source = "none", open_req_extra = -1}))) do
      if e.severity == "error" then return false end
    end
  end
  return true
end

local function heuristic(tvb, pinfo, tree)
  if not plausible(tvb) then return false end
  pinfo.conversation = cti
  cti.dissector(tvb, pinfo, tree)
  return true
end

local tcp_port = DissectorTable.get("tcp.port")
local registered_ports = nil
local function register_ports()
  if registered_ports then tcp_port:remove(registered_ports, cti) end
  registered_ports = tostring(cti.prefs.ports)
  tcp_port:add(registered_ports, cti)
end

function cti.prefs_changed()
  prefs_show_secrets = cti.prefs.show_secrets
  register_ports()
end

register_ports()
cti:register_heuristic("tcp", heuristic)
