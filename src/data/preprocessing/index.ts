/** tg.data.preprocessing — scaling, imputation, encoding and cleaning (scikit-learn semantics). */
export { StandardScaler, MinMaxScaler, SimpleImputer, type ImputeStrategy } from "./scalers.js";
export { LabelEncoder, OneHotEncoder, type Category } from "./encoders.js";
export { dropDuplicates, dropInvalid, filterOutliers, type Cell, type ColumnRule, type Dropped, type OutlierOptions } from "./cleaning.js";
