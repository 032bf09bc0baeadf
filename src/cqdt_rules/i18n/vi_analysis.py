"""The Vietnamese catalogue of the analyses' messages: comparisons, audits, cross-checks, versions, gaps and
shortfalls."""

# English template → Vietnamese template. Keep the placeholders' names identical on both sides.
MESSAGES: dict[str, str] = {
    # analysis/audit.py (and analysis/gaps.py, which finds a unit the same way)
    "no unit '{code}' in the data": "dữ liệu không có đơn vị '{code}'",
    "no unit '{code}' in the data; {hint:t}": "dữ liệu không có đơn vị '{code}'; {hint}",
    "unit '{code}' is assessed in several years ({years}): name --year":
        "đơn vị '{code}' được đánh giá trong nhiều năm ({years}): hãy chỉ ra năm bằng --year",
    # analysis/compare.py: the data named by single_year (what), a source's records as "'self' " (kind)
    "the data": "dữ liệu",
    "the previous data": "dữ liệu năm trước",
    "{what:t} holds no assessment for {year}; it holds none":
        "{what} không có bản đánh giá nào cho năm {year}, cũng không có bản đánh giá của năm nào khác",
    "{what:t} holds no assessment for {year}; it holds {years}":
        "{what} không có bản đánh giá nào cho năm {year}; chỉ có các năm {years}",
    "{what:t} holds no {kind}assessment for {year}; it holds none":
        "{what} không có bản đánh giá {kind}nào cho năm {year}, cũng không có bản đánh giá {kind}của năm nào khác",
    "{what:t} holds no {kind}assessment for {year}; it holds {years}":
        "{what} không có bản đánh giá {kind}nào cho năm {year}; chỉ có các năm {years}",
    "{what:t} must hold one assessment year, found none": "{what} phải có đúng một năm đánh giá, nhưng không có năm nào",
    "{what:t} must hold one assessment year, found {years}; choose one with --year":
        "{what} phải có đúng một năm đánh giá, nhưng có các năm {years}; hãy chọn một năm bằng --year",
    "{what:t} must hold one assessment year for source '{source}', found none":
        "{what} phải có đúng một năm đánh giá của nguồn '{source}', nhưng không có năm nào",
    "{what:t} must hold one assessment year for source '{source}', found {years}; choose one with --year":
        "{what} phải có đúng một năm đánh giá của nguồn '{source}', nhưng có các năm {years}; "
        "hãy chọn một năm bằng --year",
    # the same message as the source writes it (of, choose: the optional parts above); the four above are read first
    "{what:t} must hold one assessment year{of}, found {years}{choose}":
        "{what} phải có đúng một năm đánh giá{of}, nhưng có {years}{choose}",
    "the previous data are of {previous_year}, not of a year before the data's {year}; --previous takes last year's "
    "data: give those, or swap the two if they are the wrong way round":
        "dữ liệu --previous là của năm {previous_year}, không phải của một năm trước năm {year} của dữ liệu; "
        "--previous nhận dữ liệu năm trước: hãy đưa dữ liệu đó, hoặc đổi chỗ hai bộ dữ liệu nếu đã đặt ngược",
    # analysis/crosscheck.py
    "no cross-tier mapping file: {path}": "không có tệp đối chiếu giữa các khối: {path}",
    "expected a mapping with 'district_tier', 'commune_tier' and 'checks'":
        "tệp phải là một bảng ánh xạ gồm 'district_tier', 'commune_tier' và 'checks'",
    "unknown field '{name}'": "trường '{name}' không hợp lệ",
    "fields: {names}": "các trường: {names}",
    "the mapping is for ruleset '{mapped}', not '{id}'": "tệp đối chiếu dành cho bộ tiêu chí '{mapped}', không phải '{id}'",
    "ruleset '{id}' has no tier '{tier}'": "bộ tiêu chí '{id}' không có khối '{tier}'",
    "expected 'checks:' with a list of checks": "cần 'checks:' với danh sách các mục kiểm tra",
    "'{indicator}' is checked twice": "'{indicator}' được kiểm tra hai lần",
    "first at {where}": "lần đầu tại {where}",
    "expected a check: 'district: ...' with 'count', 'sum', 'all' or 'any'":
        "cần một mục kiểm tra: 'district: ...' cùng với 'count', 'sum', 'all' hoặc 'any'",
    "unknown field '{name}' in a check": "trường '{name}' không hợp lệ trong một mục kiểm tra",
    "the check names no district indicator ('district: ...')":
        "mục kiểm tra không chỉ ra chỉ số cấp huyện ('district: ...')",
    "the district tier has no indicator '{name}'": "khối cấp huyện không có chỉ số '{name}'",
    "a check needs exactly one of {names}": "mỗi mục kiểm tra cần đúng một trong {names}",
    "a check needs exactly one of {names} (found {found})": "mỗi mục kiểm tra cần đúng một trong {names} (đang có {found})",
    "the commune tier has no indicator '{name}'": "khối cấp xã không có chỉ số '{name}'",
    "expected a number for 'tolerance'": "cần một số cho 'tolerance'",
    "'{name}' does not apply to 'sum'": "'{name}' không áp dụng cho 'sum'",
    "a check takes one condition, found {names}": "mỗi mục kiểm tra chỉ được có một điều kiện, nhưng có {names}",
    "say when a commune counts: '{name}' is {kind}, not yes/no":
        "hãy nói rõ khi nào một xã được tính: '{name}' là chỉ số kiểu {kind}, không phải có/không",
    "add 'in: [...]' or 'not_in: [...]' for a category, 'at_least: N' or 'above: N' (N% for a pair's share) "
    "for a number":
        "thêm 'in: [...]' hoặc 'not_in: [...]' với chỉ số phân loại, 'at_least: N' hoặc 'above: N' "
        "(N% với tỷ lệ của một cặp) với chỉ số dạng số",
    "'{name}' needs a category indicator; '{indicator}' is {kind}":
        "'{name}' cần một chỉ số phân loại; '{indicator}' là chỉ số kiểu {kind}",
    "'{name}' needs a number or a pair; '{indicator}' is {kind}":
        "'{name}' cần một chỉ số dạng số hoặc một cặp; '{indicator}' là chỉ số kiểu {kind}",
    "expected a number or a percentage for '{name}', got '{text}'":
        "cần một số hoặc một tỷ lệ phần trăm cho '{name}', nhận được '{text}'",
    "'{name}' is a pair: give its share as a percentage (e.g. 100%)":
        "'{name}' là một cặp: hãy ghi tỷ lệ của cặp dưới dạng phần trăm (ví dụ 100%)",
    "'count' needs a district pair or count; '{name}' is {kind}":
        "'count' cần một chỉ số cấp huyện kiểu cặp hoặc số đếm; '{name}' là chỉ số kiểu {kind}",
    "'{aggregate}' needs a district yes/no; '{name}' is {kind}":
        "'{aggregate}' cần một chỉ số có/không cấp huyện; '{name}' là chỉ số kiểu {kind}",
    "summing into the pair '{district}' needs a commune pair; '{commune}' is {kind}":
        "cộng dồn vào cặp '{district}' cần một chỉ số cặp cấp xã; '{commune}' là chỉ số kiểu {kind}",
    "summing into '{district}' needs a commune count or number; '{commune}' is {kind}":
        "cộng dồn vào '{district}' cần một chỉ số cấp xã kiểu số đếm hoặc số; '{commune}' là chỉ số kiểu {kind}",
    "'sum' needs a district pair, count or number; '{name}' is {kind}":
        "'sum' cần một chỉ số cấp huyện kiểu cặp, số đếm hoặc số; '{name}' là chỉ số kiểu {kind}",
    # analysis/gaps.py
    "no '{source}' assessments in the data": "dữ liệu không có bản đánh giá '{source}' nào",
    "no '{source}' assessments in the data (found: {sources})":
        "dữ liệu không có bản đánh giá '{source}' nào (chỉ có: {sources})",
    "unit '{code}' is assessed in several years: name --year":
        "đơn vị '{code}' được đánh giá trong nhiều năm: hãy chỉ ra năm bằng --year",
    # analysis/history.py
    "a history needs at least two years of data, found none":
        "chuỗi số liệu qua các năm cần số liệu của ít nhất hai năm, nhưng không có năm nào",
    "a history needs at least two years of data, found {years}":
        "chuỗi số liệu qua các năm cần số liệu của ít nhất hai năm, nhưng chỉ có số liệu năm {years}",
    "each year of a history is scored alone, found {years} together":
        "mỗi năm trong chuỗi số liệu qua các năm được chấm điểm riêng, nhưng các năm {years} được chấm chung",
    # analysis/shortfalls.py
    "no '{source}' assessments of tier '{tier}' in the data":
        "dữ liệu không có bản đánh giá '{source}' nào của khối '{tier}'",
    "no assessments of tier '{tier}' in the data": "dữ liệu không có bản đánh giá nào của khối '{tier}'",
    "unknown order '{order}': use {orders}": "không có cách sắp xếp '{order}': dùng {orders}",
    "the units of tier '{tier}' belong to no district": "các đơn vị của khối '{tier}' không thuộc huyện nào",
    "'{name}' is neither a criterion nor an indicator of tier '{tier}'":
        "'{name}' không phải là tiêu chí hay chỉ số của khối '{tier}'",
    "'{name}' is a group of tier '{tier}': name one of its criteria":
        "'{name}' là một nhóm của khối '{tier}': hãy chỉ ra một tiêu chí trong nhóm",
    # analysis/transition.py: the data of the earlier or the later year (side)
    "earlier": "năm trước",
    "later": "năm sau",
    "the {side:t} data holds no '{source}' assessments (it holds: none); choose the source with --source":
        "dữ liệu {side} không có bản đánh giá '{source}' nào (cũng không có bản đánh giá của nguồn nào khác); "
        "hãy chọn nguồn bằng --source",
    "the {side:t} data holds no '{source}' assessments (it holds: {held}); choose the source with --source":
        "dữ liệu {side} không có bản đánh giá '{source}' nào (chỉ có: {held}); hãy chọn nguồn bằng --source",
    "the earlier data are of {old_year}, not of a year before the later data's {new_year}; give the earlier ruleset "
    "and its data first: swap the two pairs if they are the wrong way round":
        "dữ liệu năm trước là của năm {old_year}, không phải của một năm trước năm {new_year} của dữ liệu năm sau; "
        "hãy đưa bộ tiêu chí cũ và dữ liệu của nó trước: đổi chỗ hai cặp nếu đã đặt ngược",
    # analysis/versions.py
    "no such versions folder: {path}": "không có thư mục phiên bản: {path}",
    "'{folder}' holds no versions (sub-folders with a {file})":
        "'{folder}' không có phiên bản nào (thư mục con có tệp {file})",
    "version '{version}' has no '{source}' records; every version has {shared} records: choose --source {first}":
        "phiên bản '{version}' không có bản ghi '{source}' nào; mọi phiên bản đều có bản ghi {shared}: "
        "hãy chọn nguồn bằng --source {first}",
    "version '{version}' has no '{source}' records (it holds {held} records), and no source has records in every "
    "version: the versions of a folder follow one source's records (e.g. the audit's) from draft to approval":
        "phiên bản '{version}' không có bản ghi '{source}' nào (chỉ có bản ghi {held}), và không nguồn nào có bản ghi "
        "trong mọi phiên bản: các phiên bản của một thư mục theo dõi bản ghi của cùng một nguồn (ví dụ của thẩm định) "
        "từ dự thảo đến phê duyệt",
    "an approved version names the decision that approves it: give --decision":
        "phiên bản phê duyệt phải ghi quyết định phê duyệt: hãy dùng --decision",
    "the version '{version}' is labelled '{label}' already: give the new version another --label":
        "phiên bản '{version}' đã có nhãn '{label}': hãy đặt nhãn khác cho phiên bản mới bằng --label",
    "why a value changed since the previous version": "lý do một giá trị thay đổi so với phiên bản trước",
    "version '{version}' names no ruleset: add 'ruleset:' to its {file} or give --ruleset":
        "phiên bản '{version}' không ghi bộ tiêu chí: hãy thêm 'ruleset:' vào tệp {file} của phiên bản "
        "hoặc dùng --ruleset",
    "expected a mapping with 'label', 'status', 'date', ...": "tệp phải là một bảng ánh xạ gồm 'label', 'status', 'date', ...",
    "expected text for '{name}'": "cần văn bản cho '{name}'",
    "the version has no 'label' (e.g. 'Dự thảo lần 1')": "phiên bản không có 'label' (ví dụ 'Dự thảo lần 1')",
    "unknown status '{status}'": "trạng thái '{status}' không hợp lệ",
    "use draft (dự thảo) or approved (kết quả phê duyệt)": "dùng draft (dự thảo) hoặc approved (kết quả phê duyệt)",
    "expected a date YYYY-MM-DD, got '{value}'": "cần một ngày dạng YYYY-MM-DD, nhận được '{value}'",
    "expected a list of changes (unit, indicator, reason)": "cần một danh sách các thay đổi (mỗi thay đổi gồm 'unit', 'indicator', 'reason')",
    "the version folder '{folder}' holds no data snapshot": "thư mục phiên bản '{folder}' không có bản lưu dữ liệu",
    "put the version's unit data (.yaml, .csv or .xlsx) beside version.yaml":
        "hãy đặt dữ liệu đơn vị của phiên bản (.yaml, .csv hoặc .xlsx) cùng thư mục với version.yaml",
    "expected 'unit', 'indicator' (optional) and 'reason'": "cần 'unit', 'indicator' (không bắt buộc) và 'reason'",
    "unknown field '{name}' in a change": "trường '{name}' không hợp lệ trong một thay đổi",
    "a change needs 'unit' and 'reason'": "mỗi thay đổi cần có 'unit' và 'reason'",
    "the data of version '{label}' changed after it was recorded (sha256 {actual}…, recorded {recorded}…)":
        "dữ liệu của phiên bản '{label}' đã bị thay đổi sau khi được ghi nhận (sha256 {actual}…, "
        "lúc ghi nhận {recorded}…)",
    "a recorded version is kept as it was: record the corrected data as a new version with "
    "'cqdt versions DIR --add DATA ...'":
        "phiên bản đã ghi nhận được giữ nguyên như lúc ghi: hãy ghi nhận dữ liệu đã sửa thành một phiên bản mới "
        "bằng 'cqdt versions DIR --add DATA ...'",
    "unknown status '{status}': use draft or approved":
        "trạng thái '{status}' không hợp lệ: dùng draft (dự thảo) hoặc approved (phê duyệt)",
    "no such data file or folder: {path}": "không có tệp hoặc thư mục dữ liệu: {path}",
    "no data files to record": "không có tệp dữ liệu nào để ghi nhận",
    "name the ruleset with --ruleset (the first version of a folder must say which ruleset it uses)":
        "hãy chỉ ra bộ tiêu chí bằng --ruleset (phiên bản đầu tiên của một thư mục phải ghi rõ dùng bộ tiêu chí nào)",
    "'{path}' already exists": "'{path}' đã tồn tại",
    "two data files have the same name: {names}": "có các tệp dữ liệu trùng tên: {names}",
}
