"""The Vietnamese catalogue of the messages every stage shares: how diagnostics and counts are rendered, argparse's
own messages, values read from data files, and the messages written before the catalogue was kept by stage. A
stage's own messages are in its module beside this one (``vi_language``, ``vi_data``, ...): a new message goes
there (``tests/test_languages.py`` finds every message the package raises and fails on one the catalogue lacks)."""

# English template → Vietnamese template. Keep the placeholders' names identical on both sides.
MESSAGES: dict[str, str] = {
    # ------------------------------------------------------------ rendering of diagnostics
    "error": "lỗi",
    "warning": "cảnh báo",
    "hint": "gợi ý",
    "errors": "lỗi",
    "warnings": "cảnh báo",
    "… and {count} more like this in {path} (--all-errors shows every one)":
        "… và {count} lỗi tương tự nữa trong {path} (--all-errors để xem tất cả)",
    "{count} in {kind} input": "{count} trong {kind}",
    "ruleset": "bộ tiêu chí",
    "data": "dữ liệu",
    "input": "đầu vào",
    "ruleset input": "bộ tiêu chí",
    "data input": "dữ liệu",
    "cqdt: error: {message}": "cqdt: lỗi: {message}",
    # argparse's own messages (Python 3.11), as the command line's parser prints them
    "usage: ": "cách dùng: ",
    "the following arguments are required: {names}": "thiếu các đối số bắt buộc: {names}",
    "unrecognized arguments: {names}": "không nhận ra các đối số: {names}",
    "argument {name}: invalid choice: {value} (choose from {choices})":
        "đối số {name}: lựa chọn không hợp lệ: {value} (chọn một trong: {choices})",
    "argument {name}: expected one argument": "đối số {name}: cần một giá trị",
    "argument {name}: expected at least one argument": "đối số {name}: cần ít nhất một giá trị",
    "argument {name}: expected at most one argument": "đối số {name}: cần nhiều nhất một giá trị",
    "argument {name}: invalid {kind} value: {value}": "đối số {name}: giá trị {kind} không hợp lệ: {value}",
    "argument {name}: not allowed with argument {other}": "đối số {name}: không dùng được cùng đối số {other}",
    "argument {name}: ignored explicit argument {value}": "đối số {name}: bỏ qua giá trị {value}",
    "ambiguous option: {option} could match {matches}": "tùy chọn mơ hồ: {option} có thể là {matches}",
    "argument {name}: {message:t}": "đối số {name}: {message}",
    "a file is not UTF-8 text ({reason} at byte {start}); save it as UTF-8":
        "một tệp không phải văn bản UTF-8 ({reason} ở byte {start}); hãy lưu tệp dưới dạng UTF-8",
    # ------------------------------------------------------------ ruleset errors (parser, checker)
    "unexpected '{token}'": "không mong đợi '{token}'",
    "unexpected end of file": "tệp kết thúc đột ngột",
    "expected a number": "cần một số",
    "expected {what:t}": "cần {what}",
    "did you mean '{name}'?": "có phải ý bạn là '{name}'?",
    "duplicate id '{id}' in tier '{tier}'": "mã '{id}' bị trùng trong khối '{tier}'",
    "first used at {where}": "dùng lần đầu tại {where}",
    "'{field}' is given twice in the header": "'{field}' được khai báo hai lần trong phần đầu",
    "the first is at line {line}; keep the one that applies": "lần đầu ở dòng {line}; giữ lại khai báo đúng",
    "values of '{name}' equal to {value:n} fall in no band": "giá trị của '{name}' bằng {value} không thuộc bậc nào",
    "add 'else -> 0' (or the points those values get)": "thêm 'else -> 0' (hoặc số điểm các giá trị đó được)",
    "cut-offs out of order: '{lower}' must be below '{upper}'":
        "ngưỡng không đúng thứ tự: '{lower}' phải thấp hơn '{upper}'",
    "list levels from the highest cut-off down": "liệt kê các mức từ ngưỡng cao nhất xuống",
    "{node} has max {max:n} but its children add up to {sum:n}":
        "{node} có điểm tối đa {max} nhưng các tiêu chí con cộng lại được {sum}",
    "change the maximum to {sum:n}, fix a child's maximum, or write 'max {max} capped' if the children may exceed it":
        "sửa điểm tối đa thành {sum}, sửa điểm tối đa của một tiêu chí con, hoặc viết 'max {max} capped' nếu "
        "các tiêu chí con được phép vượt",
    "category '{name}' gives {points:n} points, outside {low}..{high} (the maximum of {node})":
        "loại '{name}' cho {points} điểm, ngoài khoảng {low}..{high} (điểm tối đa của {node})",
    "unknown node '{id}' in tier '{tier}'": "không có tiêu chí '{id}' trong khối '{tier}'",
    "reference cycle: {cycle}": "tham chiếu vòng: {cycle}",
    "a formula cannot depend on its own points or on a group containing it":
        "công thức không được phụ thuộc vào điểm của chính nó hoặc của nhóm chứa nó",
    "'{rule}' cannot read '{name}', which is {type}": "'{rule}' không đọc được '{name}', là chỉ số kiểu {type}",
    "'{rule}' reads {types} indicators": "'{rule}' đọc chỉ số kiểu {types}",
    "indicator '{name}' is declared but no rule reads it": "chỉ số '{name}' được khai báo nhưng không quy tắc nào đọc",
    "use it in a rule or an output, or remove it": "dùng nó trong một quy tắc hoặc đầu ra, hoặc xoá đi",
    "unknown indicator '{name}'": "không có chỉ số '{name}'",
    "band '{band}' can never apply: earlier bands already take every value it matches":
        "bậc '{band}' không bao giờ áp dụng được: các bậc trước đã nhận mọi giá trị của nó",
    "order bands from the highest threshold down": "sắp các bậc từ ngưỡng cao nhất xuống",
    "{function} needs a root, which has no exact value: say to how many decimals it is computed":
        "{function} cần khai căn, không có giá trị chính xác: hãy nói tính đến bao nhiêu chữ số thập phân",
    "write round({function}(...), {digits}) (or give the output 'round {digits}')":
        "viết round({function}(...), {digits}) (hoặc cho đầu ra 'round {digits}')",
    "criterion {node} cannot read output '{name}'": "tiêu chí {node} không được đọc đầu ra '{name}'",
    "outputs are computed from the criteria; read the inputs or points(ID) instead":
        "đầu ra được tính từ các tiêu chí; hãy đọc chỉ số đầu vào hoặc points(ID)",
    "unknown function '{name}'": "không có hàm '{name}'",
    "functions: {names}": "các hàm: {names}",
    "outputs read each other in a cycle: {cycle}": "các đầu ra đọc lẫn nhau thành vòng: {cycle}",
    "an output can read outputs declared from other values, not (through them) itself":
        "một đầu ra có thể đọc các đầu ra khác, nhưng không (qua chúng) đọc chính nó",
    "levels '{upper}' and '{lower}' overlap: both have the cut-off {cutoff}, so '{lower}' can never be given":
        "hai mức '{upper}' và '{lower}' trùng nhau: cùng ngưỡng {cutoff}, nên không bao giờ xếp được mức '{lower}'",
    "give each level its own cut-off, from the highest down": "cho mỗi mức một ngưỡng riêng, từ cao xuống thấp",
    "unknown output '{name}' in tier '{tier}'": "không có đầu ra '{name}' trong khối '{tier}'",
    # ------------------------------------------------------------ data errors
    "unit '{code}' has no value for '{name}' ({label})": "đơn vị '{code}' không có giá trị cho '{name}' ({label})",
    "add '{name}' ({what:t}) or declare a default in the ruleset":
        "thêm '{name}' ({what}) hoặc khai báo giá trị mặc định trong bộ tiêu chí",
    "a whole number": "một số nguyên",
    "a pair a/b": "một cặp a/b",
    "yes or no": "có hoặc không",
    "a percentage 0..100": "một tỷ lệ phần trăm 0..100",
    "a number": "một số",
    "a score": "một điểm số",
    "one of {names}": "một trong {names}",
    "unit '{code}', '{name}': {problem:t}": "đơn vị '{code}', '{name}': {problem}",
    "expected a whole number, got '{value}'": "cần một số nguyên, nhận được '{value}'",
    "expected a whole number, got {value:n}": "cần một số nguyên, nhận được {value}",
    "expected a number, got '{value}'": "cần một số, nhận được '{value}'",
    "expected a percentage 0..100, got '{value}'": "cần một tỷ lệ phần trăm 0..100, nhận được '{value}'",
    "expected a pair a/b, got '{value}'": "cần một cặp a/b, nhận được '{value}'",
    "expected yes or no, got '{value}'": "cần có hoặc không, nhận được '{value}'",
    "write yes/no (or có/không)": "viết có/không (hoặc yes/no)",
    "a percentage cannot exceed 100 ({value:n})": "tỷ lệ phần trăm không được vượt 100 ({value})",
    "cannot be negative ({value:n})": "không được âm ({value})",
    "a = {a:n} is greater than b = {b:n}": "a = {a} lớn hơn b = {b}",
    "the ruleset does not allow a > b for this indicator; check the figures":
        "bộ tiêu chí không cho phép a > b với chỉ số này; hãy kiểm tra lại số liệu",
    "'{value}' is not an allowed category": "'{value}' không phải là loại được phép",
    "allowed: {names}": "được phép: {names}",
    "unit '{code}' appears twice for {year} ({source:t})": "đơn vị '{code}' xuất hiện hai lần trong năm {year} ({source})",
    "first seen at {where}": "lần đầu tại {where}",
    "unit '{code}' is named both '{first}' and '{second}' for {year} ({source:t})":
        "đơn vị '{code}' có hai tên '{first}' và '{second}' trong năm {year} ({source})",
    "give every row of one unit, year and source the same unit_name":
        "hãy ghi cùng một unit_name cho mọi dòng của một đơn vị trong cùng năm và nguồn",
    "unknown indicator '{name}' for tier '{tier}'": "không có chỉ số '{name}' trong khối '{tier}'",
    "unit '{code}' has tier '{tier}', which ruleset '{ruleset}' does not define":
        "đơn vị '{code}' thuộc khối '{tier}', bộ tiêu chí '{ruleset}' không có khối này",
    "tiers: {tiers}": "các khối: {tiers}",
    "unit '{code}' has no tier": "đơn vị '{code}' không có khối",
    "unknown source '{source}' for unit '{code}'": "nguồn '{source}' của đơn vị '{code}' không hợp lệ",
    "use 'self' (self-assessed) or 'audit' (verified by the audit team)":
        "dùng 'self' (tự đánh giá) hoặc 'audit' (thẩm định)",
    "unit '{code}' is assessed for {year}, but ruleset '{ruleset}' applies to {years:t}":
        "đơn vị '{code}' được đánh giá năm {year}, nhưng bộ tiêu chí '{ruleset}' áp dụng cho các năm {years}",
    "use the ruleset that covers that year (in Python, score(..., any_year=True) forces this one)":
        "dùng bộ tiêu chí áp dụng cho năm đó (trong Python, score(..., any_year=True) buộc dùng bộ này)",
    "{first} onwards": "từ {first}",
    "any year": "mọi năm",
    "audit": "thẩm định",
    "self": "tự đánh giá",
    "audit, self": "thẩm định, tự đánh giá",
    # ------------------------------------------------------------ data made for another ruleset (engine/fit.py)
    "these data do not fit ruleset '{id}'": "dữ liệu này không khớp với bộ tiêu chí '{id}'",
    "They hold {count:n} assessments ({sources:t}) for {years}, tiers {tiers}.":
        "Dữ liệu có {count} bản đánh giá ({sources}) của năm {years}, thuộc các khối {tiers}.",
    "Ruleset '{id}' applies to {years:t} and has tiers {tiers}.":
        "Bộ tiêu chí '{id}' (năm áp dụng: {years}) có các khối {tiers}.",
    "Only {known:n} of their {total:n} indicator names are declared in '{id}'.":
        "Chỉ {known} trong {total} tên chỉ số của dữ liệu được khai báo trong '{id}'.",
    "None of their years is one '{id}' applies to.": "Không năm nào của dữ liệu thuộc phạm vi áp dụng của '{id}'.",
    "did you mean '{id}'? It applies to {years:t} and declares {known:n} of their {total:n} indicator names":
        "có phải ý bạn là '{id}'? Bộ này (năm áp dụng: {years}) khai báo {known} trong {total} tên chỉ số của dữ liệu",
    "check that the data were made for this ruleset": "hãy kiểm tra dữ liệu có đúng là dành cho bộ tiêu chí này",
    "{first:t}; these are the --previous data: give the ruleset they were made for with --previous-ruleset":
        "{first}; đây là dữ liệu --previous: hãy chỉ ra bộ tiêu chí của chúng bằng --previous-ruleset",
    "the file is empty": "tệp rỗng",
    "expected 'units:' with a list of units": "cần 'units:' với danh sách các đơn vị",
    "expected a mapping for a unit": "mỗi đơn vị phải là một ánh xạ (tên: giá trị)",
    "unknown unit field '{name}'": "trường '{name}' của đơn vị không hợp lệ",
    "unit fields: {names}": "các trường của đơn vị: {names}",
    "unit is missing {fields}": "đơn vị thiếu {fields}",
    "row is missing {fields}": "dòng thiếu {fields}",
    "expected a year, got '{value}'": "cần một năm, nhận được '{value}'",
    "the header has no '{column}' column": "dòng tiêu đề không có cột '{column}'",
    "column '{name}' appears twice": "cột '{name}' xuất hiện hai lần",
    "row has {cells} cells but the header has {columns} columns": "dòng có {cells} ô nhưng tiêu đề có {columns} cột",
    "not valid YAML: {problem}": "YAML không hợp lệ: {problem}",
    # ------------------------------------------------------------ hostile and messy input (docs/security.md)
    "expected {what:t}, got '{value}': {why:t}": "cần {what}, nhận được '{value}': {why}",
    "both parts of the pair must be numbers, got '{value}'": "cả hai phần của cặp phải là số, nhận được '{value}'",
    "both parts of the pair must be numbers, got '{value}': {why:t}":
        "cả hai phần của cặp phải là số, nhận được '{value}': {why}",
    "the number is too large: every number must lie between -10^15 and 10^15":
        "số quá lớn: mọi số phải nằm trong khoảng -10^15 đến 10^15",
    "the number has more than {digits:n} decimals": "số có hơn {digits} chữ số thập phân",
    "not a finite number": "không phải một số hữu hạn",
    "the parts of a pair are counts and must be whole numbers ({a:n}/{b:n})":
        "các phần của cặp là số đếm và phải là số nguyên ({a}/{b})",
    "declare a 'range' for the indicator in the ruleset if its parts may have decimals":
        "khai báo 'range' cho chỉ số trong bộ tiêu chí nếu các phần có thể có số thập phân",
    "expected a year of four digits, got '{value}'": "cần một năm gồm bốn chữ số, nhận được '{value}'",
    "the {field} of unit '{code}' holds a control character ({char})":
        "trường {field} của đơn vị '{code}' chứa ký tự điều khiển ({char})",
    "remove it: names, codes and labels are plain text": "hãy xóa ký tự đó: tên, mã và nhãn là văn bản thường",
    "unit code '{code}' differs from code '{first}' only in letter case":
        "mã đơn vị '{code}' chỉ khác mã '{first}' ở chữ hoa, chữ thường",
    "write one unit's code the same way everywhere": "viết mã của một đơn vị giống nhau ở mọi nơi",
    "the parents of {count:n} unit(s) could not be checked: {parents}":
        "không kiểm tra được đơn vị cấp trên (parent) của {count} đơn vị: {parents}",
    "the input holds no unit they name; give the province's unit list with --units (e.g. units.csv) to check them":
        "dữ liệu không có đơn vị nào mang các mã này; dùng --units với danh sách đơn vị của tỉnh (vd. units.csv) để kiểm tra",
    "the parent '{parent}' of unit '{code}' is not a unit of {year} ({source}) in the input":
        "đơn vị cấp trên '{parent}' của đơn vị '{code}' không có trong dữ liệu năm {year} ({source})",
    "the parent '{parent}' of unit '{code}' is not a unit of {year} ({source}) in the input nor in the unit list":
        "đơn vị cấp trên '{parent}' của đơn vị '{code}' không có trong dữ liệu năm {year} ({source}) "
        "và trong danh sách đơn vị",
    "unit '{code}' names itself as its parent": "đơn vị '{code}' ghi chính mã của mình làm đơn vị cấp trên",
    "give the code of its district": "ghi mã của huyện",
    "check the district's code": "kiểm tra lại mã huyện",
    "the file is not UTF-8 text (line {line:n}, column {column:n}); it looks like {guess:t}":
        "tệp không phải văn bản UTF-8 (dòng {line}, cột {column}); có vẻ là {guess}",
    "Windows-1258 (Vietnamese ANSI, what Excel saves as 'CSV' on a Vietnamese Windows)":
        "Windows-1258 (ANSI tiếng Việt, Excel lưu dạng 'CSV' trên Windows tiếng Việt)",
    "save it as UTF-8 (in Excel: Save As → 'CSV UTF-8 (Comma delimited)'; in a text editor: encoding UTF-8), "
    "or read a Windows-1258 file with --encoding cp1258":
        "hãy lưu lại dạng UTF-8 (trong Excel: Save As → 'CSV UTF-8 (Comma delimited)'; trong trình soạn thảo: "
        "mã hóa UTF-8), hoặc đọc tệp Windows-1258 bằng --encoding cp1258",
    "an alias (*name) repeats the value anchored here (&name)":
        "một bí danh (*tên) lặp lại giá trị được neo tại đây (&tên)",
    "data files may not use YAML anchors and aliases: write each value out":
        "tệp dữ liệu không được dùng neo và bí danh YAML: hãy viết đầy đủ từng giá trị",
    "brackets nest more than {limit:n} levels deep": "dấu ngoặc lồng nhau quá {limit} mức",
    "a data file needs a few levels; check the file": "tệp dữ liệu chỉ cần vài mức lồng; hãy kiểm tra lại tệp",
    "the ruleset nests more than {limit:n} levels deep here": "bộ tiêu chí lồng nhau quá {limit} mức tại đây",
    "a quoted text holds a control character ({char})": "chuỗi trong ngoặc kép chứa ký tự điều khiển ({char})",
    "'amends \"{base}\"' is refused: {why:t}": "không chấp nhận 'amends \"{base}\"': {why}",
    "the file is not in the amendment's folder or below it": "tệp không nằm trong thư mục của văn bản sửa đổi hoặc thư mục con",
    "the base of an amendment is a .cqdt file": "bộ tiêu chí gốc của văn bản sửa đổi phải là tệp .cqdt",
    "--out names the file '{path}'; give a folder to write the report files to":
        "--out là tệp '{path}'; hãy chỉ một thư mục để ghi các tệp báo cáo",
    "note: skipped {path}: {reason:t}": "ghi chú: bỏ qua {path}: {reason}",
    "a unit list (code, name, tier, parent), not assessments":
        "danh sách đơn vị (code, name, tier, parent), không phải dữ liệu đánh giá",
    "a YAML file without 'units:', not assessments": "tệp YAML không có 'units:', không phải dữ liệu đánh giá",
    "no assessments in this folder": "thư mục không có bản đánh giá nào",
    "no assessments in {paths}: a folder's data files (.yaml, .yml, .csv, .xlsx) are read, not its sub-folders: "
    "name the folder that holds them":
        "không có bản đánh giá nào trong {paths}: chỉ đọc các tệp dữ liệu (.yaml, .yml, .csv, .xlsx) nằm ngay trong "
        "thư mục, không đọc thư mục con: hãy chỉ ra thư mục chứa chúng",
    "no assessments in this file": "tệp không có bản đánh giá nào",
    "a folder's data files (.yaml, .yml, .csv, .xlsx) are read, not its sub-folders: name the folder that holds them":
        "chỉ đọc các tệp dữ liệu (.yaml, .yml, .csv, .xlsx) nằm ngay trong thư mục, không đọc thư mục con: "
        "hãy chỉ ra thư mục chứa chúng",
    # ------------------------------------------------------------ what the commands print
    "reconstructed": "tái dựng",
    "hypothetical": "giả định",
    "official": "chính thức",
    "no status": "không ghi trạng thái",
    "max": "tối đa",
    "{shown}: ruleset '{id}' ({status}) is valid: {tiers} tier(s) ({maxima}), {nodes} nodes, {warnings} warning(s)":
        "{shown}: bộ tiêu chí '{id}' ({status}) hợp lệ: {tiers} khối ({maxima}), {nodes} nút, {warnings} cảnh báo",
    "would reformat {path}": "sẽ định dạng lại {path}",
    "reformatted {path}": "đã định dạng lại {path}",
    "{changed} file(s) would be reformatted, {unchanged} already canonical":
        "{changed} tệp sẽ được định dạng lại, {unchanged} tệp đã đúng dạng chuẩn",
    "{changed} file(s) reformatted, {unchanged} already canonical":
        "đã định dạng lại {changed} tệp, {unchanged} tệp đã đúng dạng chuẩn",
    "wrote {files} report file(s) and {charts} chart(s) for {year} to {out}/":
        "đã ghi {files} tệp báo cáo và {charts} biểu đồ của năm {year} vào {out}/",
    "wrote {files} report file(s) and {charts} chart(s) for {year} against {previous} to {out}/":
        "đã ghi {files} tệp báo cáo và {charts} biểu đồ của năm {year} so với năm {previous} vào {out}/",
    "{path}: {count} case(s) for ruleset '{id}' ({version}, {file})":
        "{path}: {count} trường hợp kiểm thử của bộ tiêu chí '{id}' ({version}, {file})",
    "{passed} passed, {failed} failed": "{passed} đạt, {failed} không đạt",
    "coverage: {percent}% ({covered} of {items} items exercised)":
        "độ phủ: {percent}% (đã kiểm {covered} trên {items} mục)",
    ", required {minimum}%": ", yêu cầu {minimum}%",
    "criteria": "tiêu chí", "bands": "bậc", "category values": "giá trị phân loại", "yes/no answers": "câu trả lời có/không",
    "best_of alternatives": "phương án best_of", "levels": "mức",
    "not exercised ({count}):": "chưa được kiểm ({count}):",
    "exercised:": "đã được kiểm:",
    "coverage {percent}% is below the required {minimum}%": "độ phủ {percent}% thấp hơn mức yêu cầu {minimum}%",
    # ------------------------------------------------------------ cqdt sensitivity
    "Tier {tier}: {title} — {year} ({source}), {runs} perturbations":
        "Khối {tier}: {title} — {year} ({source}), {runs} lần nhiễu",
    ", seed {seed}": ", hạt giống {seed}",
    "Code": "Mã", "Unit": "Đơn vị", "District": "Huyện", "Published level": "Mức công bố", "Keeps it": "Giữ mức",
    "Levels (share of runs)": "Các mức (tỷ lệ lần)", "Rank": "Hạng", "Median": "Trung vị",
    "5–95% interval": "Khoảng 5–95%",
    "Mean absolute rank shift: {shift}; {count} units change level in more than 10% of the runs.":
        "Dịch chuyển hạng bình quân (tuyệt đối): {shift}; {count} đơn vị đổi mức trong hơn 10% số lần.",
    "Sensitivity indices (Saltelli–Jansen, 95% bootstrap intervals)":
        "Chỉ số độ nhạy (Saltelli–Jansen, khoảng tin cậy 95% bootstrap)",
    "Output": "Đại lượng", "Parameter group": "Nhóm tham số", "First-order S": "Bậc nhất S", "S interval": "Khoảng S",
    "Total-effect ST": "Toàn phần ST", "ST interval": "Khoảng ST",
    "cut-offs": "ngưỡng mức", "rank shift": "dịch chuyển hạng", "level changes": "tỷ lệ đổi mức",
    "level scale '{name}' reads an output or a share: not analysed":
        "thang mức '{name}' đọc một đầu ra hoặc một tỷ lệ: không phân tích",
    "ranking '{name}' ranks by an output or a share: not analysed":
        "xếp hạng '{name}' theo một đầu ra hoặc một tỷ lệ: không phân tích",
    "{what}: '{text}' is not a number": "{what}: '{text}' không phải là một số",
    "{what}: '{text}' must be a number ≥ 0": "{what}: '{text}' phải là một số ≥ 0",
    "the spread must be at least 0 and below 100% ({value})": "biên độ nhiễu phải từ 0 đến dưới 100% ({value})",
    "cut-offs move by a number of points ≥ 0 ({value})": "ngưỡng mức dịch chuyển một số điểm ≥ 0 ({value})",
    "group '{group}': the factors need 0 < LOW ≤ HIGH ≤ {most} ({low}..{high})":
        "nhóm '{group}': hệ số cần 0 < THẤP ≤ CAO ≤ {most} ({low}..{high})",
    "--group '{item}': write ID=LOW..HIGH, e.g. B=0.9..1.3": "--group '{item}': viết ID=THẤP..CAO, ví dụ B=0.9..1.3",
    "--runs must be between 1 and 1,000,000": "--runs phải từ 1 đến 1.000.000",
    "values": "giá trị chỉ số",
    "an error of values must be at least 0 (at most 100% of the value) ({value})":
        "sai số của giá trị phải từ 0 trở lên (tối đa 100% giá trị) ({value})",
    "--value '{item}': write ID=ERROR, e.g. ho_so_dung_han=5%": "--value '{item}': viết ID=SAI_SỐ, ví dụ ho_so_dung_han=5%",
    "no indicator, criterion or group '{target}' in the ruleset":
        "bộ tiêu chí không có chỉ số, tiêu chí hay nhóm '{target}'",
    "'{target}' has no numeric value to perturb (yes/no and categories stay as they are)":
        "'{target}' không có giá trị dạng số để gây nhiễu (có/không và phân loại được giữ nguyên)",
    "{name}: values too large to perturb": "{name}: giá trị quá lớn để gây nhiễu",
    "perturbed values are analysed by data_uncertainty.run (cq.sensitivity)":
        "giá trị bị gây nhiễu được phân tích bằng data_uncertainty.run (cq.sensitivity)",
    "tier '{tier}': the batch engine does not score it ({reason:t})":
        "khối '{tier}': bộ máy tính theo lô không tính điểm khối này ({reason})",
    # why the batch engine leaves a tier to the scalar engine (engine.batch, engine.fixedpoint)
    "tier '{tier}' declares no rounding of its total": "khối '{tier}' không khai báo cách làm tròn tổng điểm",
    "ranking '{ranking}' is by an expression: ranked by the scalar engine":
        "bảng xếp hạng '{ranking}' xếp theo một biểu thức: do bộ máy tính từng đơn vị xếp hạng",
    "a formula divides by zero for some unit: the scalar engine reports it":
        "một công thức chia cho 0 ở một số đơn vị: bộ máy tính từng đơn vị báo lỗi này",
    "{node} declares no rounding: the scalar engine keeps its exact {digits}-digit value":
        "{node} không khai báo cách làm tròn: bộ máy tính từng đơn vị giữ giá trị chính xác {digits} chữ số",
    "{kind} in a formula is computed by the scalar engine": "{kind} trong công thức do bộ máy tính từng đơn vị tính",
    "the function {function}() is computed by the scalar engine": "hàm {function}() do bộ máy tính từng đơn vị tính",
    "the formula of {owner} computes further with a quotient that does not terminate":
        "công thức của {owner} tính tiếp với một thương số thập phân vô hạn",
    "a value needs more than {digits} significant digits, where Decimal arithmetic rounds":
        "một giá trị cần hơn {digits} chữ số có nghĩa, mức mà phép tính Decimal làm tròn",
    "a quotient is too large to round exactly as the scalar engine's {digits}-digit Decimal does":
        "một thương số quá lớn để làm tròn chính xác như Decimal {digits} chữ số của bộ máy tính từng đơn vị",
    "tier '{tier}': the perturbed values cannot be scored exactly ({reason:t})":
        "khối '{tier}': không tính điểm chính xác được với các giá trị đã gây nhiễu ({reason})",
    "runs must be at least 1": "số lần nhiễu phải ít nhất là 1",
    "{node}: values too large for the sensitivity analysis": "{node}: giá trị quá lớn cho phân tích độ nhạy",
    "tier '{tier}' has a capped group: its cap under perturbed maxima is not defined":
        "khối '{tier}' có nhóm bị giới hạn (capped): giới hạn đó khi điểm tối đa bị nhiễu không xác định",
    "output '{name}' declares no rounding: the sensitivity analysis needs one":
        "đầu ra '{name}' không khai báo cách làm tròn: phân tích độ nhạy cần có",
    "tier '{tier}': values too large for the sensitivity analysis's 64-bit integers":
        "khối '{tier}': giá trị quá lớn cho số nguyên 64 bit của phân tích độ nhạy",
    # the report's section on it (cqdt report --sensitivity)
    "How robust levels and ranks are": "Độ vững của mức và thứ hạng",
    "In each perturbation {changes}; then every unit is re-scored exactly ({runs} runs{seed}). Method after the "
    "JRC/OECD Handbook on Constructing Composite Indicators and COINr.":
        "Trong mỗi lần nhiễu, {changes}; rồi toàn bộ đơn vị được chấm lại chính xác ({runs} lần{seed}). Phương pháp "
        "theo Sổ tay xây dựng chỉ số tổng hợp của JRC/OECD và gói COINr.",
    "every criterion's maximum (and every point value inside it) is multiplied by a random factor{spread}":
        "điểm tối đa của từng tiêu chí (và mọi mức điểm trong tiêu chí) được nhân với một hệ số ngẫu nhiên{spread}",
    "every level cut-off moves within ±{cutoffs} points": "mỗi ngưỡng mức dịch chuyển trong khoảng ±{cutoffs} điểm",
    "indicator values move within their measurement error: {errors}":
        "giá trị các chỉ số dịch chuyển trong sai số đo của chúng: {errors}",
    "±{amount} for every numeric indicator": "±{amount} với mọi chỉ số dạng số",
    "{options}: only with --sensitivity RUNS": "{options}: chỉ dùng cùng --sensitivity RUNS",
    "±{amount} for {target}": "±{amount} với {target}",
    " within ±{spread}": " trong khoảng ±{spread}",
    "5–95% rank interval ({scope})": "Khoảng thứ hạng 5–95% ({scope})",
    "dot: median; tick: published rank; red: keeps its level in under 90% of runs":
        "chấm: trung vị; vạch: hạng công bố; đỏ: giữ mức dưới 90% số lần",
    "Sensitivity indices: first-order (S) and total-effect (ST)": "Chỉ số độ nhạy: bậc nhất (S) và toàn phần (ST)",
    "district {code}": "huyện {code}",
    # ------------------------------------------------------------ cqdt render, files written
    "no tier '{tier}' in ruleset {id}; tiers: {tiers}": "bộ tiêu chí {id} không có khối '{tier}'; các khối: {tiers}",
    "--format docx needs --out FILE.docx": "--format docx cần --out TỆP.docx",
    "cannot open '{database}' as a DuckDB database: {reason}":
        "không mở được '{database}' như một cơ sở dữ liệu DuckDB: {reason}",
    "--table '{table}': name a table as letters, digits and '_' (schema.table allowed)":
        "--table '{table}': tên bảng gồm chữ, số và '_' (được viết schema.table)",
    "this output needs the '{extra}' extra: pip install 'cqdt-rules[{extra2}]' (module '{module}' is not installed)":
        "đầu ra này cần phần bổ sung '{extra}': pip install 'cqdt-rules[{extra2}]' (chưa cài mô-đun '{module}')",
    "wrote {path}": "đã ghi {path}",
    "wrote {path} ({count:n} results)": "đã ghi {path} ({count} kết quả)",
    "reading and scoring": "đang đọc và chấm điểm",  # the progress bar of a large cohort
    "writing": "đang ghi",
    "wrote results and summary to {path}/": "đã ghi kết quả và bản tổng hợp vào {path}/",
    # ------------------------------------------------------------ cqdt serve
    "cqdt serve: serving {rulesets} on {url} ({workers:n} worker process(es)), answering in {lang:t} by default":
        "cqdt serve: phục vụ {rulesets} tại {url} ({workers} tiến trình), mặc định trả lời bằng {lang}",
    "Vietnamese": "tiếng Việt",
    "English": "tiếng Anh",
    "cqdt serve needs the 'serve' extra: pip install 'cqdt-rules[serve]'":
        "cqdt serve cần phần bổ sung 'serve': pip install 'cqdt-rules[serve]'",
    "--workers, --max-body and --max-ruleset are at least 1, --port is 0..65535":
        "--workers, --max-body và --max-ruleset ít nhất là 1, --port trong khoảng 0..65535",
    "two rulesets to serve have id '{id}': {first}, {second}": "hai bộ tiêu chí được phục vụ cùng mã '{id}': {first}, {second}",
    "--cohort takes RULESET_ID=DATA (e.g. dti_2023=examples/gialai/dti-2023-audit.yaml), got '{spec}'":
        "--cohort nhận MÃ_BỘ_TIÊU_CHÍ=DỮ_LIỆU (ví dụ dti_2023=examples/gialai/dti-2023-audit.yaml), nhận được '{spec}'",
    "--cohort names ruleset '{id}', which is not served (served: {served})":
        "--cohort chỉ bộ tiêu chí '{id}', bộ này không được phục vụ (đang phục vụ: {served})",
    # ------------------------------------------------------------ naming a ruleset (engine/loading.py)
    "cannot read ruleset '{path}': {reason:t}": "không đọc được bộ tiêu chí '{path}': {reason}",
    # what the operating system says of a file (``OSError.strerror``), for the errors a person meets
    "No such file or directory": "không có tệp hoặc thư mục này",
    "Permission denied": "không có quyền truy cập",
    "Is a directory": "đây là một thư mục, không phải một tệp",
    "Not a directory": "không phải là thư mục",
    "File exists": "tệp đã có",
    "No space left on device": "ổ đĩa hết chỗ trống",
    "Disk quota exceeded": "đã dùng hết hạn mức ổ đĩa",
    "Read-only file system": "hệ thống tệp chỉ cho phép đọc",
    "File name too long": "tên tệp quá dài",
    "Too many open files": "mở quá nhiều tệp cùng lúc",
    "Device or resource busy": "thiết bị hoặc tài nguyên đang bận",
    "Input/output error": "lỗi đọc ghi thiết bị",
    "Operation not permitted": "thao tác không được phép",
    "File too large": "tệp vượt quá kích thước tối đa được phép ghi",
    "Text file busy": "tệp đang được một chương trình khác sử dụng",
    "Stale file handle": "tệp không còn truy cập được (ổ mạng đã thay đổi)",
    # files.py: a file written in place whose old content could not be put back
    "{target} could not be written, nor its old content put back: it is kept in {aside}":
        "không ghi được {target}, cũng không khôi phục được nội dung cũ: nội dung cũ được giữ trong {aside}",
    "folder '{path}' holds {count:n} ruleset files; name one": "thư mục '{path}' có {count} tệp bộ tiêu chí; hãy chỉ ra một tệp",
    "no ruleset file or shipped ruleset id '{name}' (shipped: {ids})":
        "không có tệp bộ tiêu chí hoặc mã bộ tiêu chí có sẵn '{name}' (có sẵn: {ids})",
    "no ruleset file or shipped ruleset id '{name}'; {hint:t}":
        "không có tệp bộ tiêu chí hoặc mã bộ tiêu chí có sẵn '{name}'; {hint}",
    "no ruleset declares assessment year {year} (covered: {listing:t}); name the ruleset to use instead of the year":
        "không bộ tiêu chí nào áp dụng cho năm đánh giá {year} (các năm có: {listing}); hãy chỉ ra bộ tiêu chí thay vì năm",
    "several rulesets declare assessment year {year}: {listing}; name the one to use":
        "nhiều bộ tiêu chí cùng áp dụng cho năm đánh giá {year}: {listing}; hãy chỉ ra bộ cần dùng",
    "none": "không có",
    "nothing": "không có",
    # ------------------------------------------------------------ cqdt diff (language/diff.py)
    "no differences": "không có khác biệt",
    "Header": "Phần đầu",
    "Every tier": "Mọi khối",
    "Tier": "Khối",
    "version": "phiên bản",
    "added ({what})": "thêm ({what})",
    "removed (was {what})": "bỏ (trước đây: {what})",
    "{field}: added: {what}": "{field}: thêm: {what}",
    "moved: {old} → {new}": "chuyển chỗ: {old} → {new}",
    "{field}: was {old}; now {new}": "{field}: trước đây {old}; nay {new}",
    "{changed} node(s) changed, {added} added, {removed} removed": "{changed} nút thay đổi, {added} thêm, {removed} bỏ",
    ", {moved} moved": ", {moved} chuyển chỗ",
    "; {other} other change(s) (header, tiers, levels, rankings, outputs)":
        "; {other} thay đổi khác (phần đầu, khối, mức, xếp hạng, đầu ra)",
    "header": "phần đầu", "yes": "có", "no": "không", "none (a group)": "không có (một nhóm)", "group": "nhóm",
    "criterion": "tiêu chí", "nodes": "nút", "items": "mục", "top of the tier": "cấp cao nhất của khối",
    "under": "thuộc", "after": "sau", "before": "trước", "ranking": "xếp hạng", "output": "đầu ra",
    # the properties a diff names (a ruleset's header, tiers, nodes, inputs, rules, levels)
    "id": "mã", "title": "tiêu đề", "title_en": "tiêu đề tiếng Anh", "legal_source": "căn cứ pháp lý",
    "status": "trạng thái", "issued": "ngày ban hành", "effective": "ngày hiệu lực", "years": "năm áp dụng",
    "note": "ghi chú", "rounding": "làm tròn", "on_zero_denominator": "khi mẫu số bằng 0",
    "on_missing_evidence": "khi thiếu tài liệu kiểm chứng", "total_rounding": "làm tròn tổng điểm",
    "headline": "chỉ số chính", "kind": "loại", "capped": "giới hạn trần", "rule": "quy tắc",
    "provenance": "nguồn gốc", "round": "làm tròn", "share": "tỷ lệ công bố", "indicator": "chỉ số", "label": "nhãn",
    "unit": "đơn vị tính", "range": "khoảng giá trị", "categories": "các loại", "a_may_exceed_b": "a được vượt b",
    "evidence": "tài liệu kiểm chứng", "audit_only": "chỉ khi thẩm định", "default": "giá trị mặc định",
    "band": "bậc", "category": "phân loại", "else": "còn lại", "level": "mức", "cut-off": "ngưỡng",
    "requires": "điều kiện", "on": "tính trên", "below": "dưới mọi mức", "declaration": "khai báo",
    # ------------------------------------------------------------ cqdt sql
    "Scores of tier {tier} under ruleset {ruleset}": "Khung nhìn tính điểm khối {tier} theo bộ tiêu chí {ruleset}",
    "Data checks of tier {tier}": "Truy vấn kiểm tra dữ liệu khối {tier}",
    "{id} {title} (max {max}); provenance {where}": "{id} {title} (tối đa {max}); nguồn gốc {where}",
    "no provenance": "chưa ghi nguồn gốc",
    "draft": "dự thảo",
    "ruleset '{id}' has no tier '{tier}' (tiers: {tiers})": "bộ tiêu chí '{id}' không có khối '{tier}' (các khối: {tiers})",
    # ------------------------------------------------------------ usage errors of the commands
    "the data hold no self-assessment (source: self): the audit compares each unit's self-assessment with its "
    "audited record; name the self-assessment file too (e.g. egov-2022-self.yaml egov-2022-audit.yaml)":
        "dữ liệu không có bản tự đánh giá nào (source: self): đối chiếu so sánh bản tự đánh giá của từng đơn vị "
        "với kết quả thẩm định; hãy chỉ ra cả tệp tự đánh giá (ví dụ egov-2022-self.yaml egov-2022-audit.yaml)",
    "no '{source}' records of tier '{tier}' in the data; they hold '{other}' records: give --source {other}":
        "dữ liệu không có bản ghi '{source}' nào của khối '{tier}'; dữ liệu có bản ghi '{other}': "
        "hãy dùng --source {other}",
    "no '{source}' records of tier '{tier}' in the data; they hold '{other}' records: give --commune-source {other}":
        "dữ liệu không có bản ghi '{source}' nào của khối '{tier}'; dữ liệu có bản ghi '{other}': "
        "hãy dùng --commune-source {other}",
    "no '{source}' records of tier '{tier}' in the data; name a file with the '{tier}' records":
        "dữ liệu không có bản ghi '{source}' nào của khối '{tier}'; hãy chỉ ra tệp có bản ghi của khối '{tier}'",
    "no such file or folder: {path}": "không có tệp hoặc thư mục: {path}",
    "no such data file: {path}": "không có tệp dữ liệu: {path}",
    "no result for unit '{code}'": "không có kết quả cho đơn vị '{code}'",
    "no result for unit '{code}'; {hint}": "không có kết quả cho đơn vị '{code}'; {hint}",
    # ------------------------------------------------------------ unit data sent as JSON, amendments sent as text
    "not valid JSON: {problem:t}": "JSON không hợp lệ: {problem}",
    "unexpected character {char}": "ký tự không mong đợi {char}",
    "extra text after the JSON document": "còn văn bản sau hết tài liệu JSON",
    "the document ends where a value was expected": "tài liệu kết thúc ở chỗ cần một giá trị",
    "expected a name in double quotes": "cần một tên trong dấu nháy kép",
    "expected {what:t}, found {found:t}": "cần {what}, gặp {found}",
    "nested more than {depth} levels deep": "lồng sâu hơn {depth} cấp",
    "a \\u escape names half of a surrogate pair, not a character": "một mã \\u chỉ là nửa cặp thay thế (surrogate), không phải một ký tự",
    "expected one value for '{field}', got a {kind:t}": "cần một giá trị cho '{field}', nhận được một {kind}",
    "list": "danh sách",
    "mapping": "bảng ánh xạ",
    "evidence for '{name}' is a reference or a list of references":
        "tài liệu kiểm chứng cho '{name}' là một tham chiếu hoặc một danh sách tham chiếu",
    "'amends' may name only a ruleset id here, not a path ('{ref}')":
        "ở đây 'amends' chỉ được ghi mã bộ tiêu chí, không ghi đường dẫn ('{ref}')",
    "no ruleset with id '{ref}' to amend here": "không có bộ tiêu chí mã '{ref}' để sửa đổi ở đây",
    "rulesets that may be amended: {known}": "các bộ tiêu chí được phép sửa đổi: {known}",
    # ------------------------------------------------------------ the scoring service (cqdt serve)
    "unknown language '{lang}': use vi or en": "không có ngôn ngữ '{lang}': dùng vi hoặc en",
    "'{name}' is true or false, got '{value}'": "'{name}' là true hoặc false, nhận được '{value}'",
    "send the body as {types} (got '{media}')": "hãy gửi nội dung dạng {types} (nhận được '{media}')",
    "the body is {size} bytes; this server reads at most {limit}":
        "nội dung dài {size} byte; máy chủ này chỉ đọc tối đa {limit}",
    "the body is over {limit} bytes, the most this server reads":
        "nội dung dài hơn {limit} byte, mức tối đa máy chủ này đọc",
    "the body is not UTF-8 text (byte {start})": "nội dung không phải văn bản UTF-8 (byte {start})",
    "no served ruleset '{id}' (served: {served})": "máy chủ không phục vụ bộ tiêu chí '{id}' (đang phục vụ: {served})",
    "the ruleset text is over {limit} bytes, the most this server reads":
        "văn bản bộ tiêu chí dài hơn {limit} byte, mức tối đa máy chủ này đọc",
    "'year' is a year such as 2023, got '{value}'": "'year' là một năm như 2023, nhận được '{value}'",
    "no tier '{tier}' in served ruleset '{id}' (tiers: {tiers})":
        "bộ tiêu chí '{id}' máy chủ đang phục vụ không có khối '{tier}' (các khối: {tiers})",
    "'ruleset_text' is for POST /score; this route scores with the served ruleset":
        "'ruleset_text' dành cho POST /score; đường dẫn này chấm theo bộ tiêu chí máy chủ đang phục vụ",
    "give the ruleset's text in 'ruleset_text' (or score with a served ruleset: POST /rulesets/ID/score)":
        "hãy gửi văn bản bộ tiêu chí trong 'ruleset_text' (hoặc chấm theo bộ tiêu chí đang phục vụ: POST /rulesets/ID/score)",
    "the server failed on this request; it has been logged": "máy chủ gặp lỗi khi xử lý yêu cầu này; lỗi đã được ghi lại",
    "the text is nested too deeply to read": "văn bản lồng quá sâu để đọc",
    "no units to score: give at least one unit in 'units'": "không có đơn vị nào để chấm: hãy gửi ít nhất một đơn vị trong 'units'",
    "this server holds no stored cohort for ruleset '{id}': send the cohort's units in 'cohort' (the server is started with --cohort {id2}=DATA)":
        "máy chủ không giữ nhóm so sánh nào cho bộ tiêu chí '{id}': hãy gửi các đơn vị của nhóm trong 'cohort' "
        "(máy chủ được khởi động với --cohort {id2}=DATA)",
    "'cohort' is a list of units or \"stored\"": "'cohort' là một danh sách đơn vị hoặc \"stored\"",
    "'ruleset_text' is the ruleset's text, as one JSON string": "'ruleset_text' là văn bản bộ tiêu chí, một chuỗi JSON",
    "unknown format '{format}': use html or md": "không có định dạng '{format}': dùng html hoặc md",
    "Not Found": "Không tìm thấy",
    "Method Not Allowed": "Phương thức không được phép",
    "ruleset '{id}' does not apply to {year} (assessment years {years:t})":
        "bộ tiêu chí '{id}' không áp dụng cho năm {year} (các năm đánh giá {years})",
    "Invalid ruleset": "Bộ tiêu chí không hợp lệ",
    "Invalid unit data": "Dữ liệu đơn vị không hợp lệ",
    "The request cannot be carried out": "Không thực hiện được yêu cầu",
    "Not found": "Không tìm thấy",
    "Request body too large": "Nội dung gửi lên quá lớn",
    "Unsupported media type": "Kiểu nội dung không được hỗ trợ",
    "Method not allowed": "Phương thức không được phép",
    "Bad request": "Yêu cầu không hợp lệ",
    "Server error": "Lỗi máy chủ",
    "Tier {tier}: criteria {nodes} are normalised against the best unit of the {group:t}; no cohort came with the "
    "request, so they were scored against the {count:n} posted unit(s) alone. Send the cohort in \"cohort\", or "
    "\"cohort\": \"stored\" for the one the server holds.":
        "Khối {tier}: tiêu chí {nodes} chuẩn hoá theo đơn vị tốt nhất của {group}; yêu cầu không kèm nhóm so sánh "
        "nên các tiêu chí này được chấm chỉ trên {count} đơn vị đã gửi. Gửi cả nhóm trong \"cohort\", hoặc "
        "\"cohort\": \"stored\" để dùng nhóm máy chủ đang giữ.",
    "tier": "khối",
    "district": "huyện",
    "{count:n} characters": "{count} ký tự",  # what ends a text shown cut (i18n.cut_note)
    "a number of {count:n} characters is longer than any number within the limits (|x| < 10^15, at most {digits:n} decimals)":
        "số dài {count} ký tự, dài hơn mọi số trong giới hạn (|x| < 10^15, tối đa {digits} chữ số thập phân)",
    # ------------------------------------------------------------ the SQL back end (engine/sql, docs/sql.md)
    "the SQL back end reads numbers written out, without an exponent":
        "phần chấm điểm bằng SQL chỉ đọc số viết đầy đủ, không có số mũ",
    "write the number out (1500, not 1.5e3), or score the data with the Python engine":
        "hãy viết đầy đủ số (1500, không phải 1.5e3), hoặc chấm dữ liệu bằng bộ máy Python",
    "{what:t} could exceed 38 digits for data within the limits (numbers below 10^15 with up to 12 decimals), more than "
    "the SQL back end computes exactly; declare a 'range' on the indicators it reads, or score this ruleset with the "
    "Python engine":
        "{what} có thể vượt quá 38 chữ số với dữ liệu trong giới hạn (số nhỏ hơn 10^15, tối đa 12 chữ số thập phân), "
        "nhiều hơn mức phần chấm điểm bằng SQL tính chính xác được; hãy khai báo 'range' cho các chỉ số nó đọc, "
        "hoặc chấm bộ tiêu chí này bằng bộ máy Python",
    "criterion {id}": "tiêu chí {id}",
    "group {id}": "nhóm {id}",
    "output {name}": "đầu ra {name}",
    "levels {name}": "thang mức {name}",
    "the total": "tổng điểm",
    "a ranking's expression": "biểu thức xếp hạng",
    "an output": "một đầu ra",
    "{function} needs a root ({where:t}): SQL has no exact root, and a floating-point root rounded afterwards can "
    "differ from the correctly rounded value in the last digit; score this ruleset with the Python engine":
        "{function} cần khai căn ({where}): SQL không khai căn chính xác, và căn tính bằng số dấu phẩy động rồi làm "
        "tròn có thể lệch chữ số cuối so với giá trị làm tròn đúng; hãy chấm bộ tiêu chí này bằng bộ máy Python",
    "{function} ({where:t}) compares a value whose denominator comes from the data (such as a pair read as a fraction) "
    "across units, which SQL cannot order exactly; score this ruleset with the Python engine":
        "{function} ({where}) so sánh giữa các đơn vị một giá trị có mẫu số lấy từ dữ liệu (như một cặp đọc thành "
        "phân số), điều SQL không sắp xếp chính xác được; hãy chấm bộ tiêu chí này bằng bộ máy Python",
    "{function} ({where:t}) reads another function of the cohort; SQL cannot nest them in one query: make the inner "
    "one an output and read it by name, or score this ruleset with the Python engine":
        "{function} ({where}) đọc một hàm khác của nhóm so sánh; SQL không lồng chúng trong một truy vấn được: hãy "
        "đặt hàm bên trong thành một đầu ra và đọc theo tên, hoặc chấm bộ tiêu chí này bằng bộ máy Python",
    "default {value} has more decimals than the indicator's values may have":
        "giá trị mặc định {value} có nhiều chữ số thập phân hơn giá trị của chỉ số được phép có",
}
