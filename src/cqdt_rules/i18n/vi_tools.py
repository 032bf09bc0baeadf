"""The Vietnamese catalogue of the messages of the tools built on the analyses: ruleset tests and synthetic data
(authoring), reports, the HTTP service and the command line."""

# English template → Vietnamese template. Keep the placeholders' names identical on both sides.
MESSAGES: dict[str, str] = {
    # authoring/rulesettest.py
    # the coverage list: what a test can exercise, in a tier
    "tier {tier}, {node}: {what}": "khối {tier}, {node}: {what}",
    "tier {tier}: {what}": "khối {tier}: {what}",
    "alternative {number}: ": "phương án {number}: ",
    "criterion {node} ({rule})": "tiêu chí {node} ({rule})",
    "level '{label}' ({scale})": "mức '{label}' ({scale})",
    "level '{label}' ({scale}) refused for an unmet prerequisite":
        "mức '{label}' ({scale}) không được xếp vì chưa đạt điều kiện kèm theo",
    "below every level: '{label}' ({scale})": "dưới mọi mức: '{label}' ({scale})",
    "'{indicator}' = yes": "'{indicator}' = có",
    "'{indicator}' = no": "'{indicator}' = không",
    "band '{band}'": "bậc '{band}'",
    "band 'else -> {points}'": "bậc 'else -> {points}'",
    "band 'else -> 0 (not declared)'": "bậc 'else -> 0' (không khai báo)",
    "alternative {number} ({rule}) is the best": "phương án {number} ({rule}) cho điểm cao nhất",
    "test file": "tệp kiểm thử",  # TestFileError.kind: "2 lỗi trong tệp kiểm thử"
    "cannot tell which ruleset '{path}' tests: add 'ruleset: <file or id>' to it, or put '{file}' beside it":
        "không xác định được tệp kiểm thử '{path}' dành cho bộ tiêu chí nào: hãy thêm 'ruleset: <tệp hoặc mã>' "
        "vào tệp, hoặc đặt tệp '{file}' bên cạnh",
    "no such test file: {path}": "không có tệp kiểm thử: {path}",
    "save the test file as UTF-8 (in a text editor: Save As, encoding UTF-8)":
        "hãy lưu tệp kiểm thử dưới dạng UTF-8 (trong trình soạn thảo: Save As, mã hóa UTF-8)",
    "expected a mapping for {what:t}": "cần một bảng ánh xạ (khóa: giá trị) cho {what}",
    "unknown key '{name}' in {what:t}": "khóa '{name}' không hợp lệ trong {what}",
    "keys: {names}": "các khóa: {names}",
    "expected text for {what:t}": "cần văn bản cho {what}",
    "expected a number for {what:t}": "cần một số cho {what}",
    "expected a number for {what:t}, got '{value}'": "cần một số cho {what}, nhận được '{value}'",
    "write e.g. 118.348 (or 118,348)": "hãy viết số, ví dụ 118,348 (hoặc 118.348)",
    "write e.g. 118.348 (or 118,348), or null for 'no value'":
        "hãy viết số, ví dụ 118,348 (hoặc 118.348), hoặc null nếu không có giá trị",
    "the test file is empty": "tệp kiểm thử rỗng",
    "expected 'cases:' with a list of cases": "cần 'cases:' với danh sách các trường hợp kiểm thử",
    # what the test file's messages name (the {what} above)
    "the test file": "tệp kiểm thử",
    "'min_coverage' (a percentage)": "'min_coverage' (một tỷ lệ phần trăm)",
    "a case": "một trường hợp kiểm thử",
    "a unit": "một đơn vị",
    "the case's 'name'": "'name' của trường hợp kiểm thử",
    "'error' (a part of the expected message)": "'error' (một phần của thông báo lỗi mong đợi)",
    "base '{name}'": "bộ giá trị gốc '{name}'",
    "output '{name}'": "đầu ra '{name}'",
    "points of {id}": "điểm của {id}",
    "shares of {id}": "tỷ lệ công bố của {id}",
    "base '{name}' is defined twice": "bộ giá trị gốc '{name}' được định nghĩa hai lần",
    "two cases are named '{name}'": "hai trường hợp kiểm thử cùng tên '{name}'",
    "the first is at line {line}; names must be unique": "trường hợp đầu ở dòng {line}; mỗi tên chỉ được dùng một lần",
    "expected 'all' or 'none' for the default 'evidence'": "cần 'all' hoặc 'none' cho giá trị mặc định của 'evidence'",
    "'all': every required evidence is present unless a unit says otherwise":
        "'all': coi như có đủ mọi tài liệu kiểm chứng bắt buộc, trừ khi đơn vị ghi khác",
    "a case has no 'name'": "một trường hợp kiểm thử không có 'name'",
    "add e.g. name: \"Sở TT&TT: 118,348 → Mức I\"": "hãy thêm, ví dụ name: \"Sở TT&TT: 118,348 → Mức I\"",
    "case '{name}' needs either 'unit:' (one unit) or 'cohort:' (a list of units)":
        "trường hợp kiểm thử '{name}' cần có 'unit:' (một đơn vị) hoặc 'cohort:' (danh sách đơn vị), "
        "chỉ một trong hai",
    "case '{name}' has no 'expect:'": "trường hợp kiểm thử '{name}' không có 'expect:'",
    "say what the unit must score, or 'error:'": "hãy ghi kết quả đơn vị phải đạt, hoặc ghi 'error:'",
    "in a cohort, put 'expect:' under each unit": "trong một nhóm so sánh (cohort), hãy đặt 'expect:' dưới từng đơn vị",
    "expected a list of units for 'cohort'": "cần danh sách đơn vị cho 'cohort'",
    "two units of case '{name}' have the code '{code}'": "hai đơn vị của trường hợp kiểm thử '{name}' cùng mã '{code}'",
    "case '{name}' names no tier": "trường hợp kiểm thử '{name}' không ghi khối",
    "add 'tier: ...' to the case or to its base": "hãy thêm 'tier: ...' vào trường hợp kiểm thử hoặc vào bộ giá trị gốc của nó",
    "the unit's base is for tier '{base}', the case for tier '{case}'":
        "bộ giá trị gốc của đơn vị dành cho khối '{base}', còn trường hợp kiểm thử dành cho khối '{case}'",
    "expected 'all', 'none' or a mapping indicator → references for 'evidence'":
        "cần 'all', 'none' hoặc một bảng ánh xạ chỉ số → tham chiếu cho 'evidence'",
    "expected a list of indicator names for 'missing_evidence'": "cần danh sách tên chỉ số cho 'missing_evidence'",
    "unknown indicator '{name}' in 'missing_evidence'": "không có chỉ số '{name}' (ghi trong 'missing_evidence')",
    "base '{name}' is based on itself ({chain})": "bộ giá trị gốc '{name}' dựa trên chính nó ({chain})",
    "no base named '{name}'": "không có bộ giá trị gốc nào tên '{name}'",
    "bases: {names}": "các bộ giá trị gốc: {names}",
    "define it under 'bases:'": "hãy định nghĩa nó dưới 'bases:'",
    "tier '{tier}' has no output '{name}'": "khối '{tier}' không có đầu ra '{name}'",
    "outputs: {names}": "các đầu ra: {names}",
    "it declares none": "khối này không khai báo đầu ra nào",
    "tier '{tier}' has no node '{id}'": "khối '{tier}' không có tiêu chí '{id}'",
    "expected a list of flags (e.g. [missing evidence])": "cần danh sách cờ (ví dụ [\"missing evidence\"])",
    "write the node id as in the ruleset, e.g. A1.2.a": "hãy ghi mã tiêu chí như trong bộ tiêu chí, ví dụ A1.2.a",
    "tier '{tier}' declares no levels": "khối '{tier}' không khai báo mức nào",
    "tier '{tier}' has {count:n} level scales: name the scale": "khối '{tier}' có {count} thang mức: hãy ghi tên thang mức",
    "write level: {{scale}: ...}": "hãy viết level: {{scale}: ...}",
    "tier '{tier}' has no level scale '{scale}'": "khối '{tier}' không có thang mức '{scale}'",
    "expected a level id or label": "cần mã hoặc nhãn của một mức",
    "levels: {names}": "các mức: {names}",
    "tier '{tier}' declares no ranking": "khối '{tier}' không khai báo bảng xếp hạng nào",  # also engine/results.py
    "tier '{tier}' has no ranking '{name}'": "khối '{tier}' không có bảng xếp hạng '{name}'",
    "expected a rank position (1, 2, ...) for ranking '{name}'": "cần một thứ hạng (1, 2, ...) cho bảng xếp hạng '{name}'",
    "no test file '{path}'": "không có tệp kiểm thử '{path}'",
    "no test file '{path}' beside the ruleset; write one, or name it: cqdt test {ruleset} TESTFILE":
        "không có tệp kiểm thử '{path}' bên cạnh bộ tiêu chí; hãy viết một tệp, hoặc chỉ ra tệp: "
        "cqdt test {ruleset} TỆP_KIỂM_THỬ",
    "a coverage percentage lies in 0..100, not {value}": "độ phủ (phần trăm) phải trong khoảng 0..100, không phải {value}",
    # authoring/synth.py
    "target {target:n} is outside 0..{max:n} for tier '{tier}'":
        "điểm mục tiêu {target} nằm ngoài khoảng 0..{max} của khối '{tier}'",
    "unit '{code}': no exact fit to {target:n} after {steps:n} steps":
        "đơn vị '{code}': sau {steps} bước vẫn không tìm được bộ giá trị cho đúng {target} điểm",
    "unit '{code}': no criterion left to move by {gap:n}": "đơn vị '{code}': không còn tiêu chí nào để dịch chuyển {gap} điểm",
    "unit '{code}': no continuous criterion can take {gap:n} exactly":
        "đơn vị '{code}': không tiêu chí tính điểm liên tục nào nhận được đúng {gap} điểm",
    # cli/authoring.py
    "no .cqdt files in folder '{path}'": "thư mục '{path}' không có tệp .cqdt nào",
    "{path} (now)": "{path} (hiện tại)",  # the headers of cqdt fmt --diff
    "{path} (formatted)": "{path} (sau khi định dạng)",
    # cli/commands.py (and reports/document.py)
    "--units checks parents with the python engine; leave out --engine duckdb or --units":
        "--units kiểm tra đơn vị cấp trên bằng bộ máy Python; hãy bỏ --engine duckdb hoặc bỏ --units",
    "no '{source}' assessments in the data; try --source self":
        "dữ liệu không có bản đánh giá '{source}' nào; hãy thử --source self",
    # cli/common.py
    "these are the --previous data: give the ruleset they were made for with --previous-ruleset":
        "đây là dữ liệu --previous: hãy chỉ ra bộ tiêu chí của chúng bằng --previous-ruleset",
    # cli/reporting.py
    "--previous-ruleset needs --previous DATA": "--previous-ruleset cần --previous DATA",
    "--sensitivity must be between 1 and 1,000,000 runs": "--sensitivity phải từ 1 đến 1.000.000 lần",
    "holds a control character ({char}); write plain text": "chứa ký tự điều khiển ({char}); hãy viết văn bản thường",
    "no tier '{tier}' in the results (tiers: {tiers})": "kết quả không có khối '{tier}' (các khối: {tiers})",
    "no unit '{code}' in either year's results": "kết quả của cả hai năm đều không có đơn vị '{code}'",
    # cli/shortfalls.py
    "no tier '{tier}' in ruleset {id}": "bộ tiêu chí {id} không có khối '{tier}'",
    "--criterion needs --tier": "--criterion cần --tier",
    # cli/sql_engine.py
    "--table reads one DuckDB database file: give its path as DATA":
        "--table đọc một tệp cơ sở dữ liệu DuckDB: hãy ghi đường dẫn của tệp đó làm DATA",
    "give one long-form file (.parquet or .csv with columns unit_code, ..., indicator, value)":
        "hãy chỉ ra một tệp dạng dài (.parquet hoặc .csv có các cột unit_code, ..., indicator, value)",
    # cli/workflow.py
    "with --units, --out names a folder (one form per unit is written into it)":
        "khi dùng --units, --out là một thư mục (mỗi đơn vị một phiếu được ghi vào đó)",
    "the form must be an .xlsx file, not '{path}'": "phiếu phải là tệp .xlsx, không phải '{path}'",
    "no unit in the data": "dữ liệu không có đơn vị nào",
    "no unit in the data for {year}": "dữ liệu không có đơn vị nào của năm {year}",
    "--add needs --label and --reason": "--add cần --label và --reason",
    "invalid date '{value}': write it as YYYY-MM-DD": "ngày '{value}' không hợp lệ: hãy viết theo dạng YYYY-MM-DD",
    "--label, --reason, --author, --date and --decision go with --add":
        "--label, --reason, --author, --date và --decision chỉ dùng cùng --add",
    "no cross-tier mapping for ruleset '{id}': expected {path} (or give --mapping FILE)":
        "không có bảng đối chiếu giữa các khối cho bộ tiêu chí '{id}': cần tệp {path} (hoặc dùng --mapping TỆP)",
    "--top must be at least 1": "--top phải ít nhất là 1",
    "no '{source}' assessments for {year}": "không có bản đánh giá '{source}' nào của năm {year}",
    "{year} was scored with another ruleset ({ruleset}): no criterion of unit '{code}' can be compared; drop "
    "--format csv to see its ranks":
        "năm {year} chấm theo bộ tiêu chí khác ({ruleset}): không so sánh được tiêu chí nào của đơn vị '{code}'; "
        "bỏ --format csv để xem thứ hạng",
    "unit '{code}' has results for {year} only: no criterion can be compared; drop --format csv to see them":
        "đơn vị '{code}' chỉ có kết quả năm {year}: không so sánh được tiêu chí nào; bỏ --format csv để xem kết quả đó",
    # reports/__init__.py
    "unknown format '{format}': use {formats}": "không có định dạng '{format}': dùng {formats}",
    "no report format given: use {formats}": "chưa chọn định dạng báo cáo nào: dùng {formats}",
    "the {format} format needs the '{extra}' extra: pip install 'cqdt-rules[{extra}]' (not installed: {modules})":
        "định dạng {format} cần phần bổ sung '{extra}': pip install 'cqdt-rules[{extra}]' (chưa cài: {modules})",
    "the {format} format shows every unit's explanation: build the report with explain=True":
        "định dạng {format} hiển thị phần giải thích cách tính điểm của từng đơn vị: hãy lập báo cáo với explain=True",
    # reports/document.py
    "unknown language '{lang}': use one of {langs}": "không có ngôn ngữ '{lang}': dùng một trong {langs}",
    # service/scoring.py (the field names are constants: the texts as sent are in vi_common)
    "'{field}' is a list of units or \"{stored}\"": "'{field}' là một danh sách đơn vị hoặc \"{stored}\"",
    "'{field}' is the ruleset's text, as one JSON string": "'{field}' là văn bản bộ tiêu chí, một chuỗi JSON",
    "this server holds no stored cohort for ruleset '{id}': send the cohort's units in '{field}' (the server is "
    "started with --cohort {id}=DATA)":
        "máy chủ không giữ nhóm so sánh nào cho bộ tiêu chí '{id}': hãy gửi các đơn vị của nhóm trong '{field}' "
        "(máy chủ được khởi động với --cohort {id}=DATA)",
    # authoring/rulesettest.py: what `cqdt test` prints of a case
    "ok": "đạt",
    "FAIL": "KHÔNG ĐẠT",
    "{span}: {what}: expected {expected}, got {actual}": "{span}: {what}: cần {expected}, nhận được {actual}",
    "unit {code}: {what:t}": "đơn vị {code}: {what}",
    "share of {id}": "tỷ lệ điểm của {id}",
    "total": "tổng điểm",
    "level ({scale})": "mức ({scale})",
    "rank ({ranking})": "hạng ({ranking})",
    "flags of {id}": "các cờ của {id}",
    "no flags": "không có cờ",
    "{rank:n} of {of:n} (value {value:n})": "{rank} trên {of} (giá trị {value})",
    "{label} (not higher: {unmet})": "{label} (không lên mức cao hơn: {unmet})",
    "the data was refused:": "dữ liệu bị từ chối:",
    "the data was refused, but not with '{error}':": "dữ liệu bị từ chối, nhưng không phải vì lỗi '{error}':",
    "expected the data to be refused with '{error}', but it was scored":
        "cần dữ liệu bị từ chối vì lỗi '{error}', nhưng dữ liệu đã được chấm điểm",
    # cli/main.py
    "the input is too large for the memory of this computer; give smaller files (data can be split into several "
    "files and scored separately)":
        "dữ liệu đầu vào quá lớn so với bộ nhớ của máy tính này; hãy dùng các tệp nhỏ hơn (dữ liệu có thể tách thành "
        "nhiều tệp và chấm điểm riêng từng tệp)",
    "interrupted; no file was changed by what was being written":
        "đã dừng theo yêu cầu; không tệp nào bị thay đổi bởi phần đang ghi dở",
    "stopped by {name}; no file was changed by what was being written":
        "đã dừng do tín hiệu {name}; không tệp nào bị thay đổi bởi phần đang ghi dở",
}
