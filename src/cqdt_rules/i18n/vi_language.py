"""The Vietnamese catalogue of the ruleset language's messages: parsing, checking, formatting, amending and
comparing rulesets."""

# English template → Vietnamese template. Keep the placeholders' names identical on both sides.
MESSAGES: dict[str, str] = {
    # language/amend.py
    "the text is {node}'s, unchanged from the base at {where}":
        "nội dung này thuộc {node}, giữ nguyên từ bộ tiêu chí gốc tại {where}",
    "{hint:t}; the text is {node}'s, unchanged from the base at {where}":
        "{hint}; nội dung này thuộc {node}, giữ nguyên từ bộ tiêu chí gốc tại {where}",
    "tier '{tier}' already exists in '{ruleset}'": "khối '{tier}' đã có trong '{ruleset}'",
    "change it with 'amend tier {tier} { ... }', or write 'remove tier {tier}' before this block to replace it whole":
        "hãy sửa khối này bằng 'amend tier {tier} { ... }', hoặc viết 'remove tier {tier}' trước đoạn khai báo này "
        "để thay cả khối",
    "the amendment '{id}' names no legal source": "văn bản sửa đổi '{id}' không ghi căn cứ pháp lý",
    'add e.g. legal_source "QĐ .../QĐ-UBND ngày ..., sửa đổi, bổ sung QĐ ..."':
        'hãy thêm, ví dụ, legal_source "QĐ .../QĐ-UBND ngày ..., sửa đổi, bổ sung QĐ ..."',
    "the amendment '{id}' has no effective date": "văn bản sửa đổi '{id}' không ghi ngày hiệu lực",
    "add e.g. 'effective 2022-03-15'": "hãy thêm, ví dụ, 'effective 2022-03-15'",
    "the amendment takes effect ({effective}) before the ruleset it amends ({base})":
        "văn bản sửa đổi có hiệu lực ({effective}) trước bộ tiêu chí mà nó sửa đổi ({base})",
    "no tier '{tier}' to change": "không có khối '{tier}' để sửa đổi",
    "tiers: none": "các khối: không có",
    "no tier has a level scale '{scale}'": "không khối nào có thang mức '{scale}'",
    "scales: {names}": "các thang mức: {names}",
    "scales: none": "các thang mức: không có",
    "no {what:t} '{id}' in tier '{tier}'": "không có {what} '{id}' trong khối '{tier}'",
    "criterion or group": "tiêu chí hay nhóm",
    "write the id as the ruleset being amended gives it": "hãy viết mã đúng như trong bộ tiêu chí được sửa đổi",
    "'{id}' is a criterion, not a group: nothing can be added under it":
        "'{id}' là một tiêu chí, không phải một nhóm: không thể thêm gì vào bên dưới",
    "replace {id} with a group holding the criteria": "hãy thay {id} bằng một nhóm chứa các tiêu chí",
    "'{sibling}' is not directly under '{group}'": "'{sibling}' không nằm ngay dưới '{group}'",
    "under {group}: {ids}": "ngay dưới {group}: {ids}",
    "under {group}: nothing yet": "ngay dưới {group}: chưa có gì",
    "this changes nothing: {node} already says exactly this": "câu lệnh này không thay đổi gì: {node} đã đúng như vậy",
    "{node} is a criterion: only a group's maximum can be 'capped'":
        "{node} là một tiêu chí: chỉ điểm tối đa của nhóm mới được 'capped' (giới hạn trần)",
    "{node} is a group: its points are the sum of its criteria":
        "{node} là một nhóm: điểm của nhóm là tổng điểm các tiêu chí trong nhóm",
    "change the rules of its criteria, or replace {node} with a criterion":
        "hãy sửa quy tắc chấm của các tiêu chí trong nhóm, hoặc thay {node} bằng một tiêu chí",
    "no input '{name}' in tier '{tier}'": "không có chỉ số đầu vào '{name}' trong khối '{tier}'",
    "this does not change tier '{tier}': its maximum is already {max:n}":
        "câu lệnh này không thay đổi khối '{tier}': điểm tối đa của khối đã là {max}",
    "no level scale '{scale}' in tier '{tier}'": "không có thang mức '{scale}' trong khối '{tier}'",
    "scale '{scale}' has no level '{level}'": "thang mức '{scale}' không có mức '{level}'",
    "levels: {ids}; to add or drop a level, restate the whole scale with 'levels {scale} \"...\" { ... }'":
        "các mức: {ids}; để thêm hoặc bỏ một mức, hãy khai báo lại cả thang mức bằng 'levels {scale} \"...\" { ... }'",
    "this does not change level '{level}' of '{scale}'": "câu lệnh này không thay đổi mức '{level}' của '{scale}'",
    # language/checker.py
    "tier '{tier}' is declared twice": "khối '{tier}' được khai báo hai lần",
    "ruleset '{id}' has no tier": "bộ tiêu chí '{id}' không có khối nào",
    "a ruleset scores the units of at least one tier: add e.g. 'tier xa \"UBND xã\" max 100 { ... }'":
        "bộ tiêu chí chấm điểm đơn vị của ít nhất một khối: hãy thêm, ví dụ, 'tier xa \"UBND xã\" max 100 { ... }'",
    "first declared at {where}": "khai báo lần đầu tại {where}",
    "statistic '{name}' is declared twice": "thống kê '{name}' được khai báo hai lần",
    "statistic '{name}' is over tier '{tier}', which the ruleset does not define":
        "thống kê '{name}' tính trên khối '{tier}', nhưng bộ tiêu chí không có khối này",
    "statistic '{name}' reads a unit's value outside sum(...) or mean(...)":
        "thống kê '{name}' đọc giá trị của một đơn vị ở ngoài sum(...) hoặc mean(...)",
    "a statistic adds up or averages over the units: write sum(x) or mean(x)":
        "thống kê cộng dồn hoặc lấy trung bình trên các đơn vị: hãy viết sum(x) hoặc mean(x)",
    "statistic '{name}' reads no unit's value": "thống kê '{name}' không đọc giá trị nào của đơn vị",
    "write sum(x) (a total over the units) or mean(x) (their average)":
        "hãy viết sum(x) (tổng trên các đơn vị) hoặc mean(x) (trung bình của các đơn vị)",
    "statistic '{name}', tier '{tier}': {problem:t}": "thống kê '{name}', khối '{tier}': {problem}",
    "the text of statistic '{name}' has a field other than {value} and {year}":
        "văn bản của thống kê '{name}' có một trường khác ngoài {value} và {year}",
    'write e.g. text "đạt {value} trên tổng số hồ sơ"': 'hãy viết, ví dụ, text "đạt {value} trên tổng số hồ sơ"',
    "rounding to {digits:n} decimals is more than the engine keeps ({most:n})":
        "làm tròn đến {digits} chữ số thập phân vượt quá độ chính xác mà bộ máy tính giữ được ({most})",
    "round to at most {most:n} decimals": "hãy làm tròn đến tối đa {most} chữ số thập phân",
    "the ruleset declares no assessment years": "bộ tiêu chí không khai báo năm đánh giá",
    "add e.g. 'years 2020..2022' so a year can pick its ruleset":
        "hãy thêm, ví dụ, 'years 2020..2022' để mỗi năm đánh giá chọn được bộ tiêu chí của mình",
    "assessment years {first}..{last} run backwards": "khoảng năm đánh giá {first}..{last} bị ngược (năm đầu sau năm cuối)",
    "ratio rules or bands on pairs are used but the header does not say what b = 0 gives":
        "bộ tiêu chí dùng quy tắc ratio hoặc bands trên cặp số nhưng phần đầu không quy định kết quả khi b = 0",
    "add 'on_zero_denominator 0' (or 'full') to the ruleset header":
        "hãy thêm 'on_zero_denominator 0' (hoặc 'full') vào phần đầu của bộ tiêu chí",
    "inputs require evidence but the header does not say what missing evidence does":
        "có chỉ số yêu cầu tài liệu kiểm chứng nhưng phần đầu không quy định cách xử lý khi thiếu tài liệu kiểm chứng",
    "add 'on_missing_evidence zero' (the criterion scores 0, shown) or 'on_missing_evidence error'":
        "hãy thêm 'on_missing_evidence zero' (tiêu chí được 0 điểm, có ghi rõ) hoặc 'on_missing_evidence error'",
    "indicator '{name}' is declared twice in tier '{tier}'": "chỉ số '{name}' được khai báo hai lần trong khối '{tier}'",
    "first declared at {where}; declare it once and read it from any criterion":
        "khai báo lần đầu tại {where}; hãy khai báo một lần và đọc chỉ số từ bất kỳ tiêu chí nào",
    "output '{name}' has the name of an input of tier '{tier}'":
        "đầu ra '{name}' trùng tên với một chỉ số đầu vào của khối '{tier}'",
    "a name in a formula must mean one thing: rename the output or the input":
        "một tên trong công thức chỉ được mang một nghĩa: hãy đổi tên đầu ra hoặc chỉ số đầu vào",
    "{kind:t} '{name}' is declared twice in tier '{tier}'": "{kind} '{name}' được khai báo hai lần trong khối '{tier}'",
    "levels '{name}' is declared twice in tier '{tier}'": "thang mức '{name}' được khai báo hai lần trong khối '{tier}'",
    "ranking '{name}' is declared twice in tier '{tier}'":
        "bảng xếp hạng '{name}' được khai báo hai lần trong khối '{tier}'",
    "output '{name}' is declared twice in tier '{tier}'": "đầu ra '{name}' được khai báo hai lần trong khối '{tier}'",
    "division by the number 0: the formula has no value for any unit":
        "phép chia cho số 0: công thức không có giá trị với bất kỳ đơn vị nào",
    "divide by the value meant, or leave the division out": "hãy chia cho giá trị đúng ý định, hoặc bỏ phép chia",
    "the file has {size:n} bytes, more than the {limit:n} a ruleset file may have":
        "tệp có {size} byte, vượt mức tối đa {limit} byte của một tệp bộ tiêu chí",
    "the largest shipped ruleset has some 80 kB: check that this is the ruleset file meant":
        "bộ tiêu chí lớn nhất đi kèm chỉ khoảng 80 kB: hãy kiểm tra đây có đúng là tệp bộ tiêu chí cần dùng",
    "level '{level}' is declared twice in scale '{scale}'": "mức '{level}' được khai báo hai lần trong thang mức '{scale}'",
    "first declared at {where}; give each level its own id":
        "khai báo lần đầu tại {where}; hãy đặt cho mỗi mức một mã riêng",
    "tier '{tier}' has max {max:n} but its top nodes add up to {top:n}":
        "khối '{tier}' có điểm tối đa {max} nhưng các tiêu chí cấp cao nhất cộng lại được {top}",
    "make the maxima agree": "hãy sửa để các điểm tối đa khớp nhau",
    "{node} has a negative maximum": "{node} có điểm tối đa âm",
    "group {node} has no criteria": "nhóm {node} không có tiêu chí nào",
    "add criteria, or make it a criterion with a rule": "hãy thêm tiêu chí, hoặc chuyển nhóm thành một tiêu chí có quy tắc chấm",
    "{node} is 'capped' at {max:n} but its children add up to only {total:n}":
        "{node} được giới hạn trần (capped) ở {max} nhưng các tiêu chí con cộng lại chỉ được {total}",
    "{node} has no provenance": "{node} chưa ghi nguồn gốc",
    'add e.g. provenance reconstructed "..." or provenance official "Phụ lục ..., mục ..."':
        'hãy thêm, ví dụ, provenance reconstructed "..." hoặc provenance official "Phụ lục ..., mục ..."',
    "range {low}..{high} of '{name}' is empty": "khoảng giá trị {low}..{high} của '{name}' rỗng",
    "'a_may_exceed_b' is for pair indicators only; '{name}' is a {kind} indicator":
        "'a_may_exceed_b' chỉ dùng cho chỉ số kiểu pair (cặp số); '{name}' là chỉ số kiểu {kind}",
    "default of '{name}': {problem:t}": "giá trị mặc định của '{name}': {problem}",
    "'{name}' is audit-only and has a default: the default is used when the audit team leaves it empty":
        "'{name}' chỉ nhập khi thẩm định (audit_only) nhưng có giá trị mặc định: giá trị mặc định được dùng khi "
        "đoàn thẩm định để trống",
    "declare it with 'input NAME TYPE \"label\"' in a criterion":
        "hãy khai báo bằng 'input NAME TYPE \"label\"' trong một tiêu chí",
    "{what:t} gives {points:n} points, outside 0..{max} (the maximum of {node})":
        "{what} cho {points} điểm, ngoài khoảng 0..{max} (điểm tối đa của {node})",
    "band gives {points:n} points, outside 0..{max} (the maximum of {node})":
        "một bậc cho {points} điểm, ngoài khoảng 0..{max} (điểm tối đa của {node})",
    "else gives {points:n} points, outside 0..{max} (the maximum of {node})":
        "nhánh 'else' cho {points} điểm, ngoài khoảng 0..{max} (điểm tối đa của {node})",
    "on_zero_denominator gives {points:n} points, outside 0..{max} (the maximum of {node})":
        "'on_zero_denominator' cho {points} điểm, ngoài khoảng 0..{max} (điểm tối đa của {node})",
    "{node} is informational (scored 0) but declares max {max:n}":
        "{node} chỉ để thông tin (tính 0 điểm) nhưng khai báo điểm tối đa {max}",
    "write 'max 0' for an informational criterion": "hãy ghi 'max 0' cho tiêu chí chỉ để thông tin",
    "'each' must be more than 0 points": "'each' phải lớn hơn 0 điểm",
    "'{value}' is not a category of '{name}'": "'{value}' không phải là một loại của '{name}'",
    "categories: {names}": "các loại: {names}",
    "category '{value}' is given points twice": "loại '{value}' được cho điểm hai lần",
    "categories without points: {names}": "các loại chưa được cho điểm: {names}",
    "give each its points, or add 'else -> 0'": "hãy cho điểm từng loại, hoặc thêm 'else -> 0'",
    "'{name}' is a {kind}: write the threshold as a percentage":
        "'{name}' là chỉ số kiểu {kind}: hãy viết ngưỡng dưới dạng tỷ lệ phần trăm",
    "e.g. '{comparator} {value}%'": "ví dụ '{comparator} {value}%'",
    "'{name}' is a {kind}, not a percentage: drop the '%'":
        "'{name}' là chỉ số kiểu {kind}, không phải tỷ lệ phần trăm: hãy bỏ dấu '%'",
    "no value of '{name}' in its range can reach band '{band}'":
        "không giá trị nào của '{name}' trong khoảng giá trị của nó đạt được bậc '{band}'",
    "values of '{name}' {gap} fall in no band": "giá trị của '{name}' {gap} không thuộc bậc nào",
    "values of '{name}' of any size fall in no band": "mọi giá trị của '{name}' đều không thuộc bậc nào",
    "values of '{name}' above {value:n} fall in no band": "giá trị của '{name}' lớn hơn {value} không thuộc bậc nào",
    "values of '{name}' below {value:n} fall in no band": "giá trị của '{name}' nhỏ hơn {value} không thuộc bậc nào",
    "values of '{name}' between {low:n} and {high:n} fall in no band":
        "giá trị của '{name}' nằm giữa {low} và {high} không thuộc bậc nào",
    "'{name}.{part}': '{name}' is {kind}, not a pair": "'{name}.{part}': '{name}' là chỉ số kiểu {kind}, không phải cặp số",
    "'{name}' is a category and has no number to compute with":
        "'{name}' là chỉ số phân loại, không có số để tính toán",
    "score it with 'category {name} { ... }' in its own criterion and use points(ID)":
        "hãy chấm nó bằng 'category {name} { ... }' trong một tiêu chí riêng rồi dùng points(ID)",
    "'full' means the criterion's maximum and is only allowed in a criterion's formula":
        "'full' là điểm tối đa của tiêu chí và chỉ được dùng trong công thức của một tiêu chí",
    "a criterion cannot read the total it is part of": "một tiêu chí không được đọc tổng điểm mà chính nó góp vào",
    "{function} takes 1 value, not {count:n}": "{function} nhận 1 giá trị, không phải {count}",
    "{function} takes {wanted:n} values, not {count:n}": "{function} nhận {wanted} giá trị, không phải {count}",
    "minmax(x): (x - lowest x of the cohort) / (highest - lowest)":
        "minmax(x): (x - x thấp nhất của nhóm so sánh) / (cao nhất - thấp nhất)",
    "zscore(x): (x - mean of the cohort) / its standard deviation, e.g. round(zscore(x), 4)":
        "zscore(x): (x - trung bình của nhóm so sánh) / độ lệch chuẩn, ví dụ round(zscore(x), 4)",
    "rank(x): 1 + the number of units of the cohort with a higher x":
        "rank(x): 1 + số đơn vị trong nhóm so sánh có x cao hơn",
    "declare it with 'output NAME \"label\" = ...'": "hãy khai báo bằng 'output NAME \"label\" = ...'",
    "cut-off {value:n}% of level '{label}' is above 100%": "ngưỡng {value}% của mức '{label}' vượt quá 100%",
    "mix of percentage and point cut-offs in one scale":
        "một thang mức có cả ngưỡng theo tỷ lệ phần trăm lẫn ngưỡng theo điểm",
    "level '{label}' can never be reached: {name:t} lies in {low}..{high} and the cut-off is {cutoff}":
        "mức '{label}' không bao giờ đạt được: {name} nằm trong khoảng {low}..{high} mà ngưỡng là {cutoff}",
    "check the cut-off (a share is written 0.9 or 90%, not 90)":
        "hãy kiểm tra ngưỡng (tỷ lệ viết là 0.9 hoặc 90%, không phải 90)",
    "no published value of {name:t} ({precision:t}) falls in level '{label}': its cut-offs {cutoff:n} and "
    "{upper:n} are closer than the published precision":
        "không giá trị công bố nào của {name} ({precision}) rơi vào mức '{label}': hai ngưỡng {cutoff} và {upper} "
        "gần nhau hơn độ chính xác khi công bố",
    "{digits:n} decimals": "{digits} chữ số thập phân",
    "1 decimal": "1 chữ số thập phân",
    "cut-offs should be values the published figure can take":
        "ngưỡng nên là những giá trị mà số liệu công bố có thể nhận",
    "tier '{tier}': the header's 'rounding {digits}' rounds the total to {digits} decimals, but its criteria have "
    "{finest}, and output '{output}' reads the rounded total":
        "khối '{tier}': 'rounding {digits}' ở phần đầu làm tròn tổng điểm đến {digits} chữ số thập phân, nhưng các "
        "tiêu chí của khối có {finest} chữ số thập phân, và đầu ra '{output}' đọc tổng điểm đã làm tròn",
    "add 'total round {finest}' to the tier if the total is published with {finest} decimals":
        "hãy thêm 'total round {finest}' vào khối nếu tổng điểm được công bố với {finest} chữ số thập phân",
    # language/formatter.py
    "cqdt fmt would change the meaning of {path}; please report this as a bug":
        "cqdt fmt sẽ làm thay đổi ý nghĩa của {path}; xin hãy báo lỗi này (bug) cho nhóm phát triển",
    # language/parser.py: what may come next, where it is one thing
    "expected a name": "cần một tên",
    "expected a criterion id (like A1.2)": "cần một mã tiêu chí (như A1.2)",
    "expected a whole number": "cần một số nguyên",
    "expected a year": "cần một năm",
    "expected a date (YYYY-MM-DD)": "cần một ngày (YYYY-MM-DD)",
    'expected a "quoted text"': 'cần một "chuỗi trong ngoặc kép"',
    "expected end of file": "cần kết thúc tệp",
    "expected a name, a number": "cần một tên hoặc một số",
    'expected a "quoted text", a name': 'cần một "chuỗi trong ngoặc kép" hoặc một tên',
    # ... or after the keywords that may come there (quoted, sorted first)
    "expected {keywords}, a name": "cần {keywords} hoặc một tên",
    "expected {keywords}, a name, a number": "cần {keywords}, một tên hoặc một số",
    "expected {keywords}, a number": "cần {keywords} hoặc một số",
    "expected {keywords}, a whole number": "cần {keywords} hoặc một số nguyên",
    "expected {keywords}, a year": "cần {keywords} hoặc một năm",
    "expected {keywords}, a date (YYYY-MM-DD)": "cần {keywords} hoặc một ngày (YYYY-MM-DD)",
    'expected {keywords}, a "quoted text"': 'cần {keywords} hoặc một "chuỗi trong ngoặc kép"',
    "expected {keywords}, a criterion id (like A1.2)": "cần {keywords} hoặc một mã tiêu chí (như A1.2)",
    "expected {keywords}, end of file": "cần {keywords} hoặc kết thúc tệp",
    "ruleset '{id}' amends '{base}' and cannot be read on its own":
        "bộ tiêu chí '{id}' sửa đổi '{base}' nên không đọc riêng được",
    "load it with cqdt_rules.load() (or any cqdt command), which applies it to its base":
        "hãy nạp bằng cqdt_rules.load() (hoặc bất kỳ lệnh cqdt nào): văn bản sửa đổi sẽ được áp dụng vào bộ tiêu chí gốc",
    "groups within groups, best_of, if … then … else, parentheses and the terms of one formula all nest; "
    "write it flatter":
        "nhóm trong nhóm, best_of, if … then … else, dấu ngoặc và các số hạng của một công thức đều tạo thêm mức lồng; "
        "hãy viết phẳng hơn",
    "remove it: labels are plain text on one line": "hãy xóa ký tự đó: nhãn là văn bản thường trên một dòng",
    "numbers in a ruleset lie between -10^15 and 10^15, with at most {digits:n} decimals and {chars:n} characters":
        "số trong bộ tiêu chí nằm trong khoảng -10^15 đến 10^15, có tối đa {digits} chữ số thập phân và {chars} ký tự",
    "a whole number of {count:n} digits is too large here": "số nguyên gồm {count} chữ số là quá lớn ở đây",
    "decimals to round to go up to {most:n}": "số chữ số thập phân khi làm tròn tối đa là {most}",
    "only an amendment can change another ruleset": "chỉ văn bản sửa đổi mới được thay đổi một bộ tiêu chí khác",
    "add 'amends RULESET_ID' (or 'amends \"path/to/base.cqdt\"') to the ruleset header":
        "hãy thêm 'amends RULESET_ID' (hoặc 'amends \"path/to/base.cqdt\"') vào phần đầu của bộ tiêu chí",
    "the header names more than one base ruleset": "phần đầu ghi nhiều hơn một bộ tiêu chí gốc",
    "an amendment amends one ruleset; amend an amendment to chain them":
        "mỗi văn bản sửa đổi chỉ sửa một bộ tiêu chí; muốn sửa nối tiếp, hãy sửa đổi chính văn bản sửa đổi trước",
    "the ruleset header has no title": "phần đầu của bộ tiêu chí không có tiêu đề",
    'add a line: title "Bộ tiêu chí ..."': 'hãy thêm một dòng: title "Bộ tiêu chí ..."',
    "'{value}' is not a date": "'{value}' không phải là một ngày",
    "write dates as YYYY-MM-DD": "hãy viết ngày theo dạng YYYY-MM-DD",
    "criterion {node} has no scoring rule": "tiêu chí {node} chưa có quy tắc chấm điểm",
    "add a rule such as 'yes x', 'ratio x', 'bands x { ... }' or 'informational'":
        "hãy thêm một quy tắc như 'yes x', 'ratio x', 'bands x { ... }' hoặc 'informational'",
    "criterion {node} has more than one scoring rule": "tiêu chí {node} có nhiều hơn một quy tắc chấm điểm",
    "keep one rule; use 'best_of { ... }' for alternatives or sub-criteria for sums":
        "hãy giữ một quy tắc; dùng 'best_of { ... }' cho các phương án thay thế, hoặc tiêu chí con để cộng điểm",
    "'{field}' is given twice for statistic '{name}'": "'{field}' được khai báo hai lần cho thống kê '{name}'",
    "keep the one that applies": "hãy giữ lại khai báo đúng",
    "each value of weighted_mean needs its weight": "mỗi giá trị của weighted_mean cần có trọng số",
    "write weighted_mean(x weight 2, y weight 1, ...)": "hãy viết weighted_mean(x weight 2, y weight 1, ...)",
    "'weight' belongs to weighted_mean, not to {function}": "'weight' chỉ dùng trong weighted_mean, không dùng trong {function}",
    "drop 'weight ...', or use weighted_mean": "hãy bỏ 'weight ...', hoặc dùng weighted_mean",
    # language/resources.py
    "cannot find the shipped folder '{name}' (looked in {packaged} and {checkout})":
        "không tìm thấy thư mục có sẵn '{name}' (đã tìm trong {packaged} và {checkout})",
}
