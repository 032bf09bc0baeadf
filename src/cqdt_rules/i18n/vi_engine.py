"""The Vietnamese catalogue of the engine's messages: loading rulesets, scoring, results, streams and SQL."""

# English template → Vietnamese template. Keep the placeholders' names identical on both sides.
MESSAGES: dict[str, str] = {
    # engine/loading.py
    "save the ruleset as UTF-8 (in a text editor: Save As, encoding UTF-8)":
        "hãy lưu bộ tiêu chí dưới dạng UTF-8 (trong trình soạn thảo: Save As, mã hóa UTF-8)",
    "amendments form a cycle: {chain}": "các văn bản sửa đổi tham chiếu lẫn nhau thành vòng: {chain}",
    "an amendment amends a shipped ruleset (by id) or a .cqdt file in its own folder or below it":
        "văn bản sửa đổi chỉ sửa đổi được một bộ tiêu chí có sẵn (theo mã) hoặc một tệp .cqdt nằm trong thư mục "
        "của chính nó hoặc thư mục con",
    "no ruleset file '{ref}' (looked for {path})": "không có tệp bộ tiêu chí '{ref}' (đã tìm {path})",
    "a path after 'amends' is relative to the amendment's own folder":
        "đường dẫn sau 'amends' được tính từ thư mục của chính văn bản sửa đổi",
    "no shipped ruleset and no ruleset beside this file has id '{ref}'":
        "không có bộ tiêu chí có sẵn nào hay bộ tiêu chí nào cùng thư mục với tệp này mang mã '{ref}'",
    "known ids: {ids:t}; or give the path of a .cqdt file in this folder or below: amends \"base.cqdt\"":
        "các mã đã biết: {ids}; hoặc ghi đường dẫn của một tệp .cqdt trong thư mục này hoặc thư mục con: "
        "amends \"base.cqdt\"",
    "'amends' names no base": "'amends' chưa ghi bộ tiêu chí gốc",
    "write the base between the quotes (amends \"base.cqdt\"), or a shipped ruleset's id (amends egov_2020)":
        "hãy ghi bộ tiêu chí gốc trong dấu ngoặc kép (amends \"base.cqdt\"), hoặc mã một bộ tiêu chí có sẵn "
        "(amends egov_2020)",
    # why an amendment may not read its base ('amends "..."' is refused: ...)
    "the path cannot be resolved": "không xác định được đường dẫn",
    "a ruleset is a path, a shipped ruleset id or an assessment year, such as 'egov_2020' or 2022, not {kind}":
        "bộ tiêu chí được chỉ ra bằng một đường dẫn, mã một bộ tiêu chí có sẵn hoặc một năm đánh giá, ví dụ "
        "'egov_2020' hoặc 2022, không phải {kind}",
    "an assessment year is a whole number, such as 2022, not {kind}":
        "năm đánh giá phải là số nguyên, ví dụ 2022, không phải {kind}",
    # engine/scoring.py
    "unknown engine '{engine}': use 'scalar', 'batch' or 'auto'":
        "không có bộ máy '{engine}': dùng 'scalar', 'batch' hoặc 'auto'",
    "the batch engine needs numpy (pip install 'cqdt-rules[batch]')":
        "bộ máy tính theo lô cần gói numpy (pip install 'cqdt-rules[batch]')",
    # engine/evaluator.py (and engine/stream.py, engine/sql/messages.py: a formula that cannot be computed)
    "unit '{code}', {node}: {problem:t}": "đơn vị '{code}', {node}: {problem}",
    "unit '{code}', output: {problem:t}": "đơn vị '{code}', đầu ra: {problem}",
    "unit '{code}', output '{name}': {problem:t}": "đơn vị '{code}', đầu ra '{name}': {problem}",
    "unit '{code}', ranking '{name}': {problem:t}": "đơn vị '{code}', xếp hạng '{name}': {problem}",
    "unit '{code}' has no evidence for '{name}'": "đơn vị '{code}' không có tài liệu kiểm chứng cho '{name}'",
    "the ruleset requires: {evidence}": "bộ tiêu chí yêu cầu: {evidence}",
    # engine/compiler.py (and engine/sql/compile.py, which says the same of the same formulas)
    "'{name}' has b = 0: write the formula with '{name}.a' and '{name}.b' and say what b = 0 gives":
        "'{name}' có b = 0: hãy viết công thức với '{name}.a' và '{name}.b' và quy định kết quả khi b = 0",
    "division by zero in a formula; guard it with 'if ... then ... else ...'":
        "phép chia cho 0 trong công thức; hãy loại trừ trường hợp này bằng 'if ... then ... else ...'",
    "the weights of weighted_mean add up to 0": "tổng các trọng số của weighted_mean bằng 0",
    "to_target: the target is 0": "to_target: giá trị mục tiêu bằng 0",
    "geometric_mean of a negative value ({value:n})": "geometric_mean của một giá trị âm ({value})",
    "geometric_mean of a negative value ({value})": "geometric_mean của một giá trị âm ({value})",  # 1E-7
    "the formula gives a value beyond ±10^15, the most the engine computes with; check the formula's scale":
        "công thức cho giá trị vượt quá ±10^15, mức lớn nhất bộ máy tính toán được; hãy kiểm tra lại độ lớn "
        "các giá trị trong công thức",
    # engine/results.py
    "no node '{id}' in tier '{tier}'": "không có nút '{id}' trong khối '{tier}'",
    "no node '{id}' in tier '{tier}'; {hint:t}": "không có nút '{id}' trong khối '{tier}'; {hint}",
    "no result for unit '{code}'; did you mean '{name}'?":
        "không có kết quả cho đơn vị '{code}'; có phải ý bạn là '{name}'?",
    "unit '{code}' has {count:n} results (years {years}, sources {sources}): say which year and source "
    "(--year, --source)":
        "đơn vị '{code}' có {count} kết quả (năm {years}, nguồn {sources}): hãy chỉ rõ năm và nguồn "
        "(--year, --source)",
    "no results for tier '{tier}'": "không có kết quả nào của khối '{tier}'",
    "unit '{code}' has no rank: tier '{tier}' declares no ranking":
        "đơn vị '{code}' không có thứ hạng: khối '{tier}' không khai báo bảng xếp hạng nào",
    "unit '{code}' has no rank in ranking '{ranking}'; its rankings: {names}":
        "đơn vị '{code}' không có thứ hạng trong bảng xếp hạng '{ranking}'; các bảng xếp hạng của đơn vị: {names}",
    "no explanation in language '{lang}': use 'en' or 'vi'":
        "không có phần giải thích bằng ngôn ngữ '{lang}': dùng 'en' hoặc 'vi'",
    "a node id is text, such as '{example}', not {kind}": "mã nút phải là chuỗi ký tự, ví dụ '{example}', không phải {kind}",
    "a unit code is text, such as '{example}', not {kind}":
        "mã đơn vị phải là chuỗi ký tự, ví dụ '{example}', không phải {kind}",
    "a tier is text, such as '{example}', not {kind}": "khối phải là chuỗi ký tự, ví dụ '{example}', không phải {kind}",
    "a year is a whole number, such as year=2022, not {kind}": "năm phải là số nguyên, ví dụ year=2022, không phải {kind}",
    "unit '{code}' has no result for year {year}; its years: {years}":
        "đơn vị '{code}' không có kết quả cho năm {year}; các năm có kết quả: {years}",
    "unit '{code}' has no result from source '{source}'; its sources: {sources}":
        "đơn vị '{code}' không có kết quả từ nguồn '{source}'; các nguồn có kết quả: {sources}",
    "unit '{code}' has no result for year {year} from source '{source}'; its results: {pairs}":
        "đơn vị '{code}' không có kết quả cho năm {year} từ nguồn '{source}'; các kết quả của đơn vị: {pairs}",
    "the ruleset has no tier '{tier}'; its tiers: {tiers}": "bộ tiêu chí không có khối '{tier}'; các khối của nó: {tiers}",
    "tier '{tier}' has no ranking '{name}'; its rankings: {names}":
        "khối '{tier}' không có bảng xếp hạng '{name}'; các bảng xếp hạng của khối: {names}",
    "ranking '{name}' of tier '{tier}' has no group '{group}'; its groups: {groups}":
        "bảng xếp hạng '{name}' của khối '{tier}' không có nhóm '{group}'; các nhóm của nó: {groups}",
    "write to an open text file or a path, not {kind}":
        "hãy ghi vào một tệp văn bản đang mở hoặc một đường dẫn, không phải {kind}",
    "results.to_arrow() needs pyarrow (pip install 'cqdt-rules[frames]')":
        "results.to_arrow() cần gói pyarrow (pip install 'cqdt-rules[frames]')",
    "results.to_pandas() needs pandas (pip install 'cqdt-rules[frames]')":
        "results.to_pandas() cần gói pandas (pip install 'cqdt-rules[frames]')",
    # engine/statistics.py
    "statistic '{name}' cannot read {kind} outside sum or mean":
        "thống kê '{name}' không đọc được {kind} bên ngoài sum hoặc mean",
    # engine/stream.py
    "form 'table' needs the cells of each unit (cells=), and only form 'table' takes them":
        "dạng 'table' cần các ô của từng đơn vị (cells=), và chỉ dạng 'table' nhận chúng",
    "the units were kept as {form}: score with form='table' to write a table":
        "các đơn vị đã được giữ ở dạng {form}: hãy chấm điểm với form='table' để ghi bảng",
    "the units were kept as {form}: score with form='csv' to write CSV":
        "các đơn vị đã được giữ ở dạng {form}: hãy chấm điểm với form='csv' để ghi CSV",
    "the units were kept as {form}: score with form='json' to write JSON":
        "các đơn vị đã được giữ ở dạng {form}: hãy chấm điểm với form='json' để ghi JSON",
    # engine/sql/engines.py
    "the SQL engine needs the optional dependency: pip install 'cqdt-rules[{extra}]'":
        "phần chấm điểm bằng SQL cần gói phụ thuộc tùy chọn: pip install 'cqdt-rules[{extra}]'",
    "DuckDB refused the query: {reason}": "DuckDB từ chối truy vấn: {reason}",
    "cannot read '{path}' with the SQL engine: use a long-form .parquet or .csv file":
        "phần chấm điểm bằng SQL không đọc được '{path}': hãy dùng tệp .parquet hoặc .csv dạng dài",
    "the long-form table has no column {columns}": "bảng dạng dài không có cột {columns}",
    "columns: {columns} (unit_name optional)": "các cột: {columns} (unit_name không bắt buộc)",
    "PostgreSQL refused the query: {reason}": "PostgreSQL từ chối truy vấn: {reason}",
    "Spark refused the query: {reason}": "Spark từ chối truy vấn: {reason}",
    "not a memory size: '{value}' (e.g. 2GB)": "không phải một dung lượng bộ nhớ: '{value}' (ví dụ 2GB)",
    # engine/sql/compile.py
    "{what:t} may have endless decimals and the ruleset declares no rounding for it; the SQL back end computes in "
    "exact fixed point: declare 'rounding' in the header":
        "{what} có thể có vô hạn chữ số thập phân mà bộ tiêu chí không khai báo cách làm tròn; phần chấm điểm bằng "
        "SQL tính bằng số thập phân cố định chính xác: hãy khai báo 'rounding' trong phần đầu",
    "a ranking is by an expression whose value may have endless decimals; the SQL back end orders by exact "
    "integers: rank by an output with a declared 'round'":
        "một bảng xếp hạng xếp theo biểu thức có giá trị có thể có vô hạn chữ số thập phân; phần chấm điểm bằng SQL "
        "sắp xếp theo số nguyên chính xác: hãy xếp hạng theo một đầu ra có khai báo 'round'",
    # engine/sql/messages.py (the data problems the SQL finds, in the Python engine's words)
    "use the ruleset that covers that year, or force it (--any-year / any_year=True)":
        "dùng bộ tiêu chí áp dụng cho năm đó, hoặc buộc dùng bộ này (--any-year / any_year=True)",
    "given more than once": "được ghi nhiều lần",
    "keep one row per unit, year, source and indicator": "mỗi đơn vị, năm, nguồn và chỉ số chỉ giữ một dòng",
    "give b in the column value_b": "ghi b vào cột value_b",
}
