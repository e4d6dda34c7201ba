<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="pl_PL">
<context>
    <name>AttributePixels</name>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="43"/>
        <source>Explain pixels and bands (gradients, occlusion)</source>
        <translation>Wyjaśnij piksele i kanały (gradienty, okluzja)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="44"/>
        <source>Attributes a hyperspectral model&apos;s prediction to every pixel and band: Integrated Gradients, Saliency or Input x Gradient (through captum, for TorchScript and Python models; optionally smoothed by SmoothGrad, SmoothGrad squared, VarGrad or band dropout), or Occlusion of sliding windows of pixels or bands (any model, ONNX included). Writes a georeferenced raster (one band per target, summed over bands), a table per target and band, optionally the full target x band cube, and sums over field polygons and band groups with the same columns as the LIME outputs, so that methods can be compared side by side.</source>
        <translation>Przypisuje predykcję modelu hiperspektralnego każdemu pikselowi i kanałowi: Integrated Gradients, Saliency lub Input x Gradient (przez captum, dla modeli TorchScript i Python; opcjonalnie wygładzone przez SmoothGrad, SmoothGrad do kwadratu, VarGrad lub losowe wyłączanie kanałów) albo okluzja przesuwanych okien pikseli lub kanałów (dowolny model, także ONNX). Zapisuje georeferencjonowany raster (jeden kanał na zmienną docelową, zsumowany po kanałach), tabelę na zmienną docelową i kanał, opcjonalnie pełną kostkę zmienna docelowa x kanał oraz sumy po poligonach pól i grupach kanałów z tymi samymi kolumnami co wyniki LIME, aby metody można było porównać obok siebie.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="64"/>
        <source>Optional polygons: the attributions summed over each (OUTPUT_SEGMENTS), and the segments of FAITHFULNESS.</source>
        <translation>Opcjonalne poligony: atrybucje zsumowane w każdym z nich (OUTPUT_SEGMENTS) oraz segmenty dla FAITHFULNESS.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="66"/>
        <source>Band groups (superbands)</source>
        <translation>Grupy kanałów (superkanały)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="66"/>
        <source>Optional band groups, as in Explain spectral importance: the attributions summed over each (OUTPUT_GROUPS).</source>
        <translation>Opcjonalne grupy kanałów, jak w „Wyjaśnij ważność spektralną”: atrybucje zsumowane w każdej z nich (OUTPUT_GROUPS).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="76"/>
        <source>Method</source>
        <translation>Metoda</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="76"/>
        <source>Integrated Gradients: (value - baseline) x the mean gradient on the straight path from the baseline; the attributions add up to the prediction minus the prediction on the baseline (the log reports the gap). Saliency: |gradient|. Input x Gradient: (value - baseline) x gradient. Occlusion: the drop of the output when a window is set to the baseline. Gradients need a TorchScript or Python model.</source>
        <translation>Integrated Gradients: (wartość - wartość bazowa) x średni gradient na prostej drodze od wartości bazowej; atrybucje sumują się do predykcji minus predykcja dla wartości bazowej (dziennik podaje różnicę). Saliency: |gradient|. Input x Gradient: (wartość - wartość bazowa) x gradient. Okluzja: spadek wyniku, gdy okno zostaje ustawione na wartość bazową. Gradienty wymagają modelu TorchScript lub Python.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="87"/>
        <source>Noise (gradient methods)</source>
        <translation>Szum (metody gradientowe)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="87"/>
        <source>None</source>
        <translation>Brak</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="87"/>
        <source>SmoothGrad</source>
        <translation>SmoothGrad</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="87"/>
        <source>SmoothGrad squared</source>
        <translation>SmoothGrad do kwadratu</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="87"/>
        <source>VarGrad</source>
        <translation>VarGrad</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="87"/>
        <source>Band dropout</source>
        <translation>Losowe wyłączanie kanałów</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="87"/>
        <source>Average the gradient method over N_NOISE noisy copies: Gaussian noise (SmoothGrad: mean, squared: mean of squares, VarGrad: variance), or copies with random bands set to the baseline (band dropout).</source>
        <translation>Uśrednia metodę gradientową po N_NOISE zaszumionych kopiach: szum gaussowski (SmoothGrad: średnia, do kwadratu: średnia kwadratów, VarGrad: wariancja) lub kopie z losowymi kanałami ustawionymi na wartość bazową (losowe wyłączanie kanałów).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="98"/>
        <source>Integration steps</source>
        <translation>Kroki całkowania</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="98"/>
        <source>Points on the path from the baseline (Integrated Gradients, Gauss-Legendre).</source>
        <translation>Punkty na drodze od wartości bazowej (Integrated Gradients, kwadratura Gaussa-Legendre'a).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="101"/>
        <source>Noisy samples</source>
        <translation>Zaszumione próbki</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="101"/>
        <source>Noisy copies per target (NOISE).</source>
        <translation>Zaszumione kopie na zmienną docelową (NOISE).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="103"/>
        <source>Noise level</source>
        <translation>Poziom szumu</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="103"/>
        <source>Gaussian noise: standard deviation as a fraction of the value range. Band dropout: the probability that a band is switched to the baseline.</source>
        <translation>Szum gaussowski: odchylenie standardowe jako ułamek zakresu wartości. Losowe wyłączanie kanałów: prawdopodobieństwo, że kanał zostanie ustawiony na wartość bazową.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="110"/>
        <source>Occlusion window</source>
        <translation>Okno okluzji</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="110"/>
        <source>Pixels (8: squares of 8 x 8 pixels, all bands) or bands,rows,columns with 0 for a whole axis (5,0,0: 5 bands of the whole image at a time).</source>
        <translation>Piksele (8: kwadraty 8 x 8 pikseli, wszystkie kanały) lub kanały,wiersze,kolumny, gdzie 0 oznacza całą oś (5,0,0: po 5 kanałów całego obrazu naraz).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="113"/>
        <source>Occlusion stride</source>
        <translation>Krok okluzji</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="113"/>
        <source>Step between windows, in the same form as WINDOW; empty: the window&apos;s size (no overlap).</source>
        <translation>Krok między oknami, w tej samej postaci co WINDOW; puste: rozmiar okna (bez nakładania).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="119"/>
        <source>Attribution raster</source>
        <translation>Raster atrybucji</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="119"/>
        <source>GeoTIFF on the input grid, one band per target (each pixel&apos;s attribution summed over its bands; band description = target name).</source>
        <translation>GeoTIFF na siatce wejściowej, jeden kanał na zmienną docelową (atrybucja każdego piksela zsumowana po jego kanałach; opis kanału = nazwa zmiennej docelowej).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="122"/>
        <source>Band attributions</source>
        <translation>Atrybucje kanałów</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="122"/>
        <source>One row per target and band: target, band (1-based), wavelength_nm, attribution (summed over the valid pixels). CSV or GeoPackage.</source>
        <translation>Jeden wiersz na zmienną docelową i kanał: target, band (liczony od 1), wavelength_nm, attribution (zsumowana po poprawnych pikselach). CSV lub GeoPackage.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="125"/>
        <source>Attribution cubes (folder)</source>
        <translation>Kostki atrybucji (folder)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="125"/>
        <source>A folder: one GeoTIFF per target, attribution_&lt;target&gt;.tif, with one band per raster band.</source>
        <translation>Folder: jeden GeoTIFF na zmienną docelową, attribution_&lt;target&gt;.tif, z jednym kanałem na każdy kanał rastra.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="128"/>
        <source>Polygons with attributions</source>
        <translation>Poligony z atrybucjami</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="132"/>
        <source>POLYGONS with attr_&lt;target&gt; (summed attributions) and, with FAITHFULNESS, the scores per target; the columns of Explain spatial importance.</source>
        <translation>POLYGONS z attr_&lt;target&gt; (zsumowane atrybucje) oraz, przy FAITHFULNESS, wyniki na zmienną docelową; kolumny jak w „Wyjaśnij ważność przestrzenną”.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="134"/>
        <source>Band group attributions</source>
        <translation>Atrybucje grup kanałów</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="134"/>
        <source>One row per target and band group, with the columns of Explain spectral importance.</source>
        <translation>Jeden wiersz na zmienną docelową i grupę kanałów, z kolumnami jak w „Wyjaśnij ważność spektralną”.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="136"/>
        <source>Faithfulness per target</source>
        <translation>Wierność na zmienną docelową</translation>
    </message>
</context>
<context>
    <name>ExplainFields</name>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="34"/>
        <source>Explain every field or tile</source>
        <translation>Wyjaśnij każde pole lub kafel</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="55"/>
        <source>Units</source>
        <translation>Jednostki</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="55"/>
        <source>Field polygons</source>
        <translation>Poligony pól</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="55"/>
        <source>Regular tiles</source>
        <translation>Regularne kafle</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="55"/>
        <source>One raster per unit</source>
        <translation>Jeden raster na jednostkę</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="55"/>
        <source>What is explained one by one: the polygons of POLYGONS, tiles of TILE_SIZE pixels of INPUT, or each raster of RASTERS.</source>
        <translation>Co jest wyjaśniane po kolei: poligony z POLYGONS, kafle INPUT o boku TILE_SIZE pikseli lub każdy raster z RASTERS.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="63"/>
        <source>Fields explained one by one (UNITS 0; any CRS). Polygons outside the raster or smaller than one pixel are skipped with one warning naming them; duplicate ids in ID_FIELD are an error.</source>
        <translation>Pola wyjaśniane po kolei (UNITS 0; dowolny układ współrzędnych). Poligony poza rastrem lub mniejsze niż jeden piksel są pomijane z jednym ostrzeżeniem, które je wymienia; powtórzone identyfikatory w ID_FIELD są błędem.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="66"/>
        <source>Tile size (pixels)</source>
        <translation>Rozmiar kafla (piksele)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="66"/>
        <source>UNITS 1: square tiles on the raster&apos;s grid, edge tiles smaller; tiles without a valid pixel are skipped.</source>
        <translation>UNITS 1: kwadratowe kafle na siatce rastra, kafle brzegowe mniejsze; kafle bez poprawnego piksela są pomijane.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="72"/>
        <source>Rasters, one unit each</source>
        <translation>Rastry, każdy jako jedna jednostka</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="72"/>
        <source>UNITS 2: raster layers or files, each one unit named by its file name (e.g. one small image per field with its own nodata mask).</source>
        <translation>UNITS 2: warstwy lub pliki rastrowe, każdy jako jedna jednostka nazwana nazwą pliku (np. jeden mały obraz na pole z własną maską braku danych).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="80"/>
        <source>Dask scheduler address</source>
        <translation>Adres harmonogramu Dask</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="80"/>
        <source>e.g. tcp://10.0.0.5:8786: run the units on that Dask cluster (workers need hsi-lime installed with pip and the rasters on storage they can read). Empty: run in this process.</source>
        <translation>np. tcp://10.0.0.5:8786: przetwarza jednostki w tym klastrze Dask (procesy robocze potrzebują hsi-lime zainstalowanego przez pip i rastrów w pamięci masowej, którą mogą czytać). Puste: przetwarzanie w tym procesie.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="92"/>
        <source>Kind of explanation</source>
        <translation>Rodzaj wyjaśnienia</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="92"/>
        <source>Spatial</source>
        <translation>Przestrzenne</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="92"/>
        <source>Spectral</source>
        <translation>Spektralne</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="92"/>
        <source>Spatial: which regions inside each unit drive the prediction. Spectral: which band groups.</source>
        <translation>Przestrzenne: które obszary w każdej jednostce decydują o predykcji. Spektralne: które grupy kanałów.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="105"/>
        <source>Attribution raster</source>
        <translation>Raster atrybucji</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="105"/>
        <source>Spatial kind with fields or tiles: one Float32 band per target over the whole input grid, units mosaicked, written block by block.</source>
        <translation>Rodzaj przestrzenny z polami lub kaflami: jeden kanał Float32 na zmienną docelową na całej siatce wejściowej, jednostki złożone w mozaikę, zapis blok po bloku.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="111"/>
        <source>Attribution rasters folder</source>
        <translation>Folder rastrów atrybucji</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="111"/>
        <source>Spatial kind with one raster per unit: &lt;name&gt;_attribution.tif per input, on its grid.</source>
        <translation>Rodzaj przestrzenny z jednym rastrem na jednostkę: &lt;name&gt;_attribution.tif dla każdego wejścia, na jego siatce.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="116"/>
        <source>Unit polygons</source>
        <translation>Poligony jednostek</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="122"/>
        <source>Attribution per unit</source>
        <translation>Atrybucja na jednostkę</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="128"/>
        <source>Attribution across units</source>
        <translation>Atrybucja we wszystkich jednostkach</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="167"/>
        <source>{} units explained, {} without valid pixels skipped</source>
        <translation>Wyjaśnione jednostki: {}, pominięte bez poprawnych pikseli: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="36"/>
        <source>Explains every field of a polygon layer, every tile of a scene, or every raster of a list, each unit on its own: only the unit&apos;s window of the raster is read (pixels outside the field masked and never perturbed), and each unit&apos;s seed derives from SEED and its id, so results do not depend on the order or the number of workers. Runs in this process, or on a Dask cluster given its scheduler address. Writes the attribution raster (spatial kind), a layer with one polygon per unit (prediction, base value and R2 per target), a table per unit, target and feature, a summary across units, and an HTML report with maps or spectra.</source>
        <translation>Wyjaśnia każde pole warstwy poligonowej, każdy kafel sceny lub każdy raster z listy, każdą jednostkę osobno: z rastra czytane jest tylko okno jednostki (piksele poza polem są maskowane i nigdy nie zaburzane), a ziarno losowe każdej jednostki wynika z SEED i jej identyfikatora, więc wyniki nie zależą od kolejności ani liczby procesów roboczych. Działa w tym procesie lub w klastrze Dask o podanym adresie harmonogramu. Zapisuje raster atrybucji (rodzaj przestrzenny), warstwę z jednym poligonem na jednostkę (predykcja, wartość bazowa i R2 na zmienną docelową), tabelę na jednostkę, zmienną docelową i cechę, podsumowanie wszystkich jednostek oraz raport HTML z mapami lub widmami.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="116"/>
        <source>One polygon per explained unit: unit_id, n_pixels, pred_&lt;target&gt; (the model&apos;s prediction), base_&lt;target&gt; (the model with every feature removed), r2_&lt;target&gt;.</source>
        <translation>Jeden poligon na wyjaśnioną jednostkę: unit_id, n_pixels, pred_&lt;target&gt; (predykcja modelu), base_&lt;target&gt; (model bez żadnej cechy), r2_&lt;target&gt;.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="98"/>
        <source>Spectral kind.</source>
        <translation>Rodzaj spektralny.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="122"/>
        <source>One row per unit, target and feature: unit_id, target, feature, wavelengths_nm and n_bands (for superbands), attribution, se, ci_low, ci_high (95 %), r2, prediction, base_value. {}.</source>
        <translation>Jeden wiersz na jednostkę, zmienną docelową i cechę: unit_id, target, feature, wavelengths_nm i n_bands (dla superkanałów), attribution, se, ci_low, ci_high (95 %), r2, prediction, base_value. {}.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="128"/>
        <source>One row per target and feature: wavelengths_nm, n_bands, mean, std, median, min, max, n_units, mean_r2. {}.</source>
        <translation>Jeden wiersz na zmienną docelową i cechę: wavelengths_nm, n_bands, mean, std, median, min, max, n_units, mean_r2. {}.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="52"/>
        <source>The scene the fields or tiles are read from, window by window (UNITS 0 and 1); or give PRODUCT.</source>
        <translation>Scena, z której pola lub kafle są czytane okno po oknie (UNITS 0 i 1); albo podaj PRODUCT.</translation>
    </message>
</context>
<context>
    <name>ExplainSpatial</name>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="23"/>
        <source>Explain spatial importance</source>
        <translation>Wyjaśnij ważność przestrzenną</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="24"/>
        <source>Explains a hyperspectral model&apos;s prediction by switching off regions of the image (field polygons, SLIC superpixels or square patches) and fitting a weighted linear surrogate for every target at once. Writes a georeferenced attribution raster (one band per target) and, optionally, the segments as polygons with attr_, se_ (standard error) and r2_ columns per target.</source>
        <translation>Wyjaśnia predykcję modelu hiperspektralnego, wyłączając obszary obrazu (poligony pól, superpiksele SLIC lub kwadraty) i dopasowując ważony liniowy model zastępczy dla wszystkich zmiennych docelowych naraz. Zapisuje georeferencjonowany raster atrybucji (jeden kanał na zmienną docelową) oraz opcjonalnie segmenty jako poligony z kolumnami attr_, se_ (błąd standardowy) i r2_ dla każdej zmiennej docelowej.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="39"/>
        <source>Polygons used as segments (required for SEGMENTATION=0), any CRS.</source>
        <translation>Poligony użyte jako segmenty (wymagane dla SEGMENTATION=0), dowolny układ współrzędnych.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="44"/>
        <source>Attribution raster</source>
        <translation>Raster atrybucji</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="44"/>
        <source>GeoTIFF on the input grid, one band per target (band description = target name).</source>
        <translation>GeoTIFF na siatce wejściowej, jeden kanał na zmienną docelową (opis kanału = nazwa zmiennej docelowej).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="48"/>
        <source>Segments with attributions</source>
        <translation>Segmenty z atrybucjami</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="56"/>
        <source>Surrogate R2 per target</source>
        <translation>R2 modelu zastępczego na zmienną docelową</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="57"/>
        <source>Faithfulness per target</source>
        <translation>Wierność na zmienną docelową</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="88"/>
        <source>Surrogate R2: {}</source>
        <translation>R2 modelu zastępczego: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="52"/>
        <source>One polygon per segment: the field polygons with their own attributes, or the superpixels or patches with segment_id; per target attr_ (attribution), se_ (standard error), low_ and high_ (95% interval) and r2_.</source>
        <translation>Jeden poligon na segment: poligony pól z ich własnymi atrybutami albo superpiksele lub kafle z segment_id; dla każdej zmiennej docelowej attr_ (atrybucja), se_ (błąd standardowy), low_ i high_ (przedział 95%) oraz r2_.</translation>
    </message>
</context>
<context>
    <name>ExplainSpectral</name>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="18"/>
        <source>Explain spectral importance</source>
        <translation>Wyjaśnij ważność spektralną</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="19"/>
        <source>Explains a hyperspectral model&apos;s prediction by switching off groups of bands (superbands: spectral band or index names, wavelength ranges, band indices) and fitting a weighted linear surrogate for every target at once. Without polygons the whole raster is explained once; with field polygons each field is explained on its own (its bounding box, pixels outside the field set to 0 and never perturbed), and a summary across fields gives the global view. Writes a table per target and superband (attribution, standard error, 95 % interval, surrogate R2), optionally a table per band, the summary and a PNG figure.</source>
        <translation>Wyjaśnia predykcję modelu hiperspektralnego, wyłączając grupy kanałów (superkanały: nazwy kanałów spektralnych lub wskaźników, zakresy długości fal, indeksy kanałów) i dopasowując ważony liniowy model zastępczy dla wszystkich zmiennych docelowych naraz. Bez poligonów cały raster jest wyjaśniany raz; z poligonami pól każde pole jest wyjaśniane osobno (jego prostokąt ograniczający, piksele poza polem ustawione na 0 i nigdy nie zaburzane), a podsumowanie wszystkich pól daje obraz całości. Zapisuje tabelę na zmienną docelową i superkanał (atrybucja, błąd standardowy, przedział 95 %, R2 modelu zastępczego), opcjonalnie tabelę na kanał, podsumowanie i rycinę PNG.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="38"/>
        <source>Fields explained one by one (any CRS); empty: the whole raster is explained once.</source>
        <translation>Pola wyjaśniane po kolei (dowolny układ współrzędnych); puste: cały raster jest wyjaśniany raz.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="44"/>
        <source>Spectral importance</source>
        <translation>Ważność spektralna</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="53"/>
        <source>Band attributions</source>
        <translation>Atrybucje kanałów</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="62"/>
        <source>Spectral importance across fields</source>
        <translation>Ważność spektralna we wszystkich polach</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="71"/>
        <source>Spectral importance figure</source>
        <translation>Rycina ważności spektralnej</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="71"/>
        <source>PNG, one row per target: attribution along the wavelength with the superbands shaded, and bars per superband (box plots across fields when POLYGONS is given).</source>
        <translation>PNG, jeden wiersz na zmienną docelową: atrybucja wzdłuż długości fali z zacienionymi superkanałami oraz słupki na superkanał (wykresy pudełkowe dla pól, gdy podano POLYGONS).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="86"/>
        <source>Faithfulness per target</source>
        <translation>Wierność na zmienną docelową</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="111"/>
        <source>Surrogate R2 (mean over fields): {}</source>
        <translation>R2 modelu zastępczego (średnia po polach): {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="44"/>
        <source>One row per field, target and superband: unit_id (the field; empty for the whole raster), target, feature (the superband), wavelengths_nm, n_bands, attribution, se, ci_low, ci_high (95 %), r2, prediction, base_value. {}.</source>
        <translation>Jeden wiersz na pole, zmienną docelową i superkanał: unit_id (pole; puste dla całego rastra), target, feature (superkanał), wavelengths_nm, n_bands, attribution, se, ci_low, ci_high (95 %), r2, prediction, base_value. {}.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="53"/>
        <source>One row per field, target and band: unit_id, target, band (1-based), wavelength_nm, feature (the superband), attribution (its superband&apos;s). {}.</source>
        <translation>Jeden wiersz na pole, zmienną docelową i kanał: unit_id, target, band (liczony od 1), wavelength_nm, feature (superkanał), attribution (jego superkanału). {}.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="62"/>
        <source>One row per target and superband (feature): wavelengths_nm, n_bands, mean, std, median, min, max of the attribution across fields, n_units, mean_r2. {}.</source>
        <translation>Jeden wiersz na zmienną docelową i superkanał (feature): wavelengths_nm, n_bands, mean, std, median, min, max atrybucji we wszystkich polach, n_units, mean_r2. {}.</translation>
    </message>
</context>
<context>
    <name>ExplorerDock</name>
    <message>
        <location filename="../gui/dock.py" line="55"/>
        <source>Hyperspectral explanations</source>
        <translation>Wyjaśnienia hiperspektralne</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="81"/>
        <source>Click a field or a pixel of an hsi-lime output to see its explanation, or a hyperspectral raster to explain it here.</source>
        <translation>Kliknij pole lub piksel wyniku hsi-lime, aby zobaczyć jego wyjaśnienie, albo raster hiperspektralny, aby wyjaśnić to miejsce tutaj.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="98"/>
        <source>The target shown here and on the output layers</source>
        <translation>Zmienna docelowa pokazywana tutaj i na warstwach wynikowych</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="295"/>
        <source>Pin</source>
        <translation>Przypnij</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="103"/>
        <source>Keep this unit, and compare the next one with it</source>
        <translation>Zachowaj tę jednostkę i porównaj z nią następną</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="108"/>
        <source>Export</source>
        <translation>Eksportuj</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="111"/>
        <source>Save the plot as PNG or SVG...</source>
        <translation>Zapisz wykres jako PNG lub SVG...</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="112"/>
        <source>Copy the unit&apos;s rows as CSV</source>
        <translation>Kopiuj wiersze jednostki jako CSV</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="114"/>
        <source>Target</source>
        <translation>Zmienna docelowa</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="139"/>
        <source>Cancel</source>
        <translation>Anuluj</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="153"/>
        <source>explained here, now</source>
        <translation>wyjaśnione tutaj, teraz</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="156"/>
        <source>A per-pixel map holds attributions only: click the pixel on the raster to explain it here, with intervals, the prediction and the base value.</source>
        <translation>Mapa pikselowa zawiera tylko atrybucje: kliknij piksel na rastrze, aby wyjaśnić go tutaj, z przedziałami, predykcją i wartością bazową.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="175"/>
        <source>Nothing shown: {}</source>
        <translation>Nic nie pokazano: {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="231"/>
        <source>attribution</source>
        <translation>atrybucja</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="231"/>
        <source>wavelength (nm)</source>
        <translation>długość fali (nm)</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="231"/>
        <source>band</source>
        <translation>kanał</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="231"/>
        <source>mean spectrum</source>
        <translation>średnie widmo</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="231"/>
        <source>difference (shown - pinned)</source>
        <translation>różnica (pokazana - przypięta)</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="231"/>
        <source>the {shown} strongest of {total}</source>
        <translation>{shown} najsilniejszych z {total}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="240"/>
        <source>Prediction</source>
        <translation>Predykcja</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="241"/>
        <source>Base value</source>
        <translation>Wartość bazowa</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="241"/>
        <source>R²</source>
        <translation>R²</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="242"/>
        <source>Deletion AUC</source>
        <translation>AUC usuwania</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="243"/>
        <source>Insertion AUC</source>
        <translation>AUC wstawiania</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="244"/>
        <source>Random deletion AUC</source>
        <translation>AUC losowego usuwania</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="245"/>
        <source>Random insertion AUC</source>
        <translation>AUC losowego wstawiania</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="246"/>
        <source>Infidelity</source>
        <translation>Niewierność (infidelity)</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="272"/>
        <source>Save the plot</source>
        <translation>Zapisz wykres</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="285"/>
        <source>{} rows copied as CSV.</source>
        <translation>Skopiowano wiersze jako CSV: {}.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="295"/>
        <source>Pinned: {}</source>
        <translation>Przypięte: {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="324"/>
        <source>Segment {}</source>
        <translation>Segment {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="324"/>
        <source>Field {}</source>
        <translation>Pole {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="325"/>
        <source>Tile {}</source>
        <translation>Kafel {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="325"/>
        <source>Raster {}</source>
        <translation>Raster {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="326"/>
        <source>Pixel {}</source>
        <translation>Piksel {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="326"/>
        <source>Unit {}</source>
        <translation>Jednostka {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="327"/>
        <source>(the whole raster)</source>
        <translation>(cały raster)</translation>
    </message>
    <message>
        <location filename="../gui/explorer.py" line="58"/>
        <source>Preparing the explorer</source>
        <translation>Przygotowywanie eksploratora</translation>
    </message>
    <message>
        <location filename="../gui/explorer.py" line="76"/>
        <source>The explorer needs Python packages this QGIS cannot import: {}. Install them with Plugins, hsi-lime, Install dependencies...</source>
        <translation>Eksplorator potrzebuje pakietów Pythona, których ten QGIS nie może zaimportować: {}. Zainstaluj je przez Wtyczki, hsi-lime, Zainstaluj zależności...</translation>
    </message>
    <message>
        <location filename="../gui/explorer.py" line="83"/>
        <source>Nothing to explore here: click a feature or a pixel of an hsi-lime output, or a hyperspectral raster (the current layer) to explain the place.</source>
        <translation>Nie ma tu nic do zbadania: kliknij obiekt lub piksel wyniku hsi-lime albo raster hiperspektralny (bieżącą warstwę), aby wyjaśnić to miejsce.</translation>
    </message>
    <message>
        <location filename="../gui/explorer.py" line="89"/>
        <source>Reading the explanation in {}</source>
        <translation>Odczytywanie wyjaśnienia z {}</translation>
    </message>
    <message>
        <location filename="../gui/explorer.py" line="95"/>
        <source>Explain here needs a model: run an explain algorithm in this project, or choose the model in the settings below.</source>
        <translation>„Wyjaśnij tutaj” potrzebuje modelu: uruchom w tym projekcie algorytm wyjaśniający albo wybierz model w ustawieniach poniżej.</translation>
    </message>
    <message>
        <location filename="../gui/explorer.py" line="101"/>
        <source>Explaining here in {}</source>
        <translation>Wyjaśnianie tutaj w {}</translation>
    </message>
    <message>
        <location filename="../gui/explorer.py" line="123"/>
        <source>Cancelled: nothing was computed or written.</source>
        <translation>Anulowano: nic nie zostało obliczone ani zapisane.</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="32"/>
        <source>Explain here: settings</source>
        <translation>Wyjaśnij tutaj: ustawienia</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="40"/>
        <source>empty: the standard bands</source>
        <translation>puste: kanały standardowe</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="45"/>
        <source>automatic</source>
        <translation>automatycznie</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="52"/>
        <source>automatic (pixel for a per-pixel model)</source>
        <translation>automatycznie (piksel dla modelu pikselowego)</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="52"/>
        <source>the clicked pixel</source>
        <translation>kliknięty piksel</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="52"/>
        <source>the field under the click</source>
        <translation>pole pod kliknięciem</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="64"/>
        <source>Model</source>
        <translation>Model</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="64"/>
        <source>Band groups</source>
        <translation>Grupy kanałów</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="64"/>
        <source>Method</source>
        <translation>Metoda</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="64"/>
        <source>Samples</source>
        <translation>Próbki</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="64"/>
        <source>Baseline</source>
        <translation>Wartość bazowa</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="64"/>
        <source>Seed</source>
        <translation>Ziarno</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="64"/>
        <source>Explain</source>
        <translation>Wyjaśnij</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="64"/>
        <source>Fields</source>
        <translation>Pola</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="64"/>
        <source>Field id</source>
        <translation>Identyfikator pola</translation>
    </message>
</context>
<context>
    <name>HelpText</name>
    <message>
        <location filename="../processing_algorithms/help_text.py" line="53"/>
        <source>More: {}</source>
        <translation>Więcej: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/help_text.py" line="62"/>
        <source>Advanced parameters</source>
        <translation>Parametry zaawansowane</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/help_text.py" line="69"/>
        <source>Reference page: every parameter in full, with examples</source>
        <translation>Strona referencyjna: każdy parametr w całości, z przykładami</translation>
    </message>
</context>
<context>
    <name>HsiLimeAlgorithm</name>
    <message>
        <location filename="../processing_algorithms/base.py" line="91"/>
        <source>Explain a raster</source>
        <translation>Wyjaśnij raster</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/base.py" line="92"/>
        <source>Map scale</source>
        <translation>Skala mapy</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/base.py" line="93"/>
        <source>Setup</source>
        <translation>Konfiguracja</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/base.py" line="125"/>
        <source>hsi-lime needs Python packages that this QGIS cannot import: {missing}. Install them with the algorithm &apos;Install or update Python dependencies&apos; (Processing Toolbox, Hyperspectral explanations, Setup; or the menu Plugins, hsi-lime, Install dependencies...), or run: {command}</source>
        <translation>hsi-lime potrzebuje pakietów Pythona, których ten QGIS nie może zaimportować: {missing}. Zainstaluj je algorytmem 'Zainstaluj lub zaktualizuj zależności Pythona' (Przybornik Processing, Wyjaśnienia hiperspektralne, Konfiguracja; albo menu Wtyczki, hsi-lime, Zainstaluj zależności...) lub uruchom: {command}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/base.py" line="146"/>
        <source>CUDA, {} (DEVICE auto and cuda use it)</source>
        <translation>CUDA, {} (używane przy DEVICE auto i cuda)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/base.py" line="148"/>
        <source>CPU (torch sees no CUDA GPU)</source>
        <translation>CPU (torch nie widzi GPU CUDA)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/base.py" line="149"/>
        <source>torch {}, device: {}</source>
        <translation>torch {}, urządzenie: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/base.py" line="175"/>
        <source>Cancelled: nothing was written.</source>
        <translation>Anulowano: nic nie zostało zapisane.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/base.py" line="94"/>
        <source>Sensor products</source>
        <translation>Produkty sensorów</translation>
    </message>
</context>
<context>
    <name>HsiLimePlugin</name>
    <message>
        <location filename="../plugin.py" line="56"/>
        <source>Install dependencies...</source>
        <translation>Zainstaluj zależności...</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="59"/>
        <source>Explore explanations</source>
        <translation>Badaj wyjaśnienia</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="63"/>
        <source>Explore explanations: click a field or a pixel of an hsi-lime output, or a raster to explain it here</source>
        <translation>Badaj wyjaśnienia: kliknij pole lub piksel wyniku hsi-lime albo raster, aby wyjaśnić to miejsce tutaj</translation>
    </message>
</context>
<context>
    <name>HsiLimeProvider</name>
    <message>
        <location filename="../processing_algorithms/provider.py" line="26"/>
        <source>Hyperspectral explanations</source>
        <translation>Wyjaśnienia hiperspektralne</translation>
    </message>
</context>
<context>
    <name>ImportProduct</name>
    <message>
        <location filename="../processing_algorithms/import_product.py" line="22"/>
        <source>Import a sensor product</source>
        <translation>Importuj produkt sensora</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_product.py" line="23"/>
        <source>Saves a hyperspectral product as downloaded (EMIT L2A, EnMAP L2A, PRISMA L2D, DESIS L2A, Tanager ortho surface reflectance, AVIRIS L2A) as a raster every tool reads: reflectance (0-1) on the product&apos;s map grid (EMIT orthorectified through its GLT), with each band&apos;s wavelength, FWHM and bad-band flag in the conventions hsi-lime and EnMAP-Box read, nodata -9999, and an RGB default style. The explain algorithms read the products directly (PRODUCT): import only to keep the cube in a project or for other tools.</source>
        <translation>Zapisuje produkt hiperspektralny w postaci pobranej (EMIT L2A, EnMAP L2A, PRISMA L2D, DESIS L2A, odbicie powierzchniowe orto Tanager, AVIRIS L2A) jako raster czytany przez każde narzędzie: odbicie (0-1) na siatce mapy produktu (EMIT ortorektyfikowany przez swoją GLT), z długością fali, FWHM i oznaczeniem złego kanału dla każdego kanału w konwencjach czytanych przez hsi-lime i EnMAP-Box, nodata -9999 i domyślnym stylem RGB. Algorytmy wyjaśniające czytają produkty bezpośrednio (PRODUCT): importuj tylko, aby zachować kostkę w projekcie lub dla innych narzędzi.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_product.py" line="38"/>
        <source>Sensor product file</source>
        <translation>Plik produktu sensora</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_product.py" line="44"/>
        <source>Leave out the bad bands</source>
        <translation>Pomiń złe kanały</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_product.py" line="44"/>
        <source>Write only the good bands (without EMIT&apos;s bad wavelengths, EnMAP&apos;s no-data bands, ...). Kept, they are flagged bbl=0, and every algorithm leaves them out of its superbands.</source>
        <translation>Zapisz tylko dobre kanały (bez złych długości fal EMIT, kanałów EnMAP bez danych, ...). Zachowane są oznaczone bbl=0, a każdy algorytm pomija je w swoich superkanałach.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_product.py" line="50"/>
        <source>Imported raster</source>
        <translation>Zaimportowany raster</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_product.py" line="50"/>
        <source>A GeoTIFF (.tif), or a VRT (.vrt) over an EnMAP or DESIS product&apos;s own image, which needs no copy (keep the product where it is).</source>
        <translation>GeoTIFF (.tif) albo VRT (.vrt) nad własnym obrazem produktu EnMAP lub DESIS, który nie wymaga kopii (pozostaw produkt tam, gdzie jest).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_product.py" line="63"/>
        <source>{product}: {bands} bands written to {output}; default style: {rendering}</source>
        <translation>{product}: zapisano {bands} kanałów do {output}; styl domyślny: {rendering}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_product.py" line="38"/>
        <source>The product&apos;s main file, as downloaded: EMIT_L2A_RFL_*.nc, EnMAP L2A *-METADATA.XML (or *-SPECTRAL_IMAGE.TIF, or the product ZIP), PRS_L2D_*.he5, DESIS-HSI-L2A-*-SPECTRAL_IMAGE.tif (with its .hdr), Tanager *_ortho_sr_hdf5.h5 or AVIRIS *_RFL_ORT.nc.</source>
        <translation>Główny plik produktu, tak jak został pobrany: EMIT_L2A_RFL_*.nc, EnMAP L2A *-METADATA.XML (lub *-SPECTRAL_IMAGE.TIF albo ZIP produktu), PRS_L2D_*.he5, DESIS-HSI-L2A-*-SPECTRAL_IMAGE.tif (z jego plikiem .hdr), Tanager *_ortho_sr_hdf5.h5 lub AVIRIS *_RFL_ORT.nc.</translation>
    </message>
</context>
<context>
    <name>InstallDependencies</name>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="34"/>
        <source>Install or update Python dependencies</source>
        <translation>Zainstaluj lub zaktualizuj zależności Pythona</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="50"/>
        <source>PyTorch build</source>
        <translation>Wersja PyTorch</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="50"/>
        <source>Auto-detect</source>
        <translation>Wykryj automatycznie</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="50"/>
        <source>CPU only</source>
        <translation>Tylko CPU</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="50"/>
        <source>NVIDIA CUDA</source>
        <translation>NVIDIA CUDA</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="50"/>
        <source>Auto-detect: the CUDA build when an NVIDIA driver is found (nvidia-smi or the driver library), else the CPU build. The log says which it chose and why.</source>
        <translation>Wykryj automatycznie: wersja CUDA, gdy znaleziono sterownik NVIDIA (nvidia-smi lub biblioteka sterownika), w przeciwnym razie wersja CPU. Dziennik podaje, co wybrano i dlaczego.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="62"/>
        <source>Include ONNX Runtime</source>
        <translation>Dołącz ONNX Runtime</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="62"/>
        <source>Also install onnxruntime, which ONNX (.onnx) models need.</source>
        <translation>Zainstaluj też onnxruntime, potrzebny modelom ONNX (.onnx).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="71"/>
        <source>Include Dask</source>
        <translation>Dołącz Dask</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="71"/>
        <source>Also install dask and distributed, which running &apos;Explain every field or tile&apos; on a Dask cluster (DASK_SCHEDULER) needs; not needed to run in this process.</source>
        <translation>Zainstaluj też dask i distributed, potrzebne do uruchamiania 'Wyjaśnij każde pole lub kafel' w klastrze Dask (DASK_SCHEDULER); niepotrzebne przy pracy w tym procesie.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="90"/>
        <source>Dependency folder</source>
        <translation>Folder zależności</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="76"/>
        <source>Where the packages go. Empty: the HSI_LIME_DEPENDENCIES environment variable when set, else python/hsi_lime_dependencies/python3.X in the active QGIS profile. Its previous content is replaced only when the installation succeeds.</source>
        <translation>Dokąd trafiają pakiety. Puste: zmienna środowiskowa HSI_LIME_DEPENDENCIES, jeśli jest ustawiona, w przeciwnym razie python/hsi_lime_dependencies/python3.X w aktywnym profilu QGIS. Poprzednia zawartość jest zastępowana dopiero po udanej instalacji.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="91"/>
        <source>Report</source>
        <translation>Raport</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="99"/>
        <source>FOLDER: no QGIS profile is known here; choose a folder.</source>
        <translation>FOLDER: nie znamy tu profilu QGIS; wybierz folder.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="113"/>
        <source>Python of this QGIS: {}</source>
        <translation>Python tego QGIS: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="114"/>
        <source>torch build: {}</source>
        <translation>wersja torch: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="115"/>
        <source>torch source: {}</source>
        <translation>źródło torch: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="116"/>
        <source>Installing into {}: {}</source>
        <translation>Instalacja do {}: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="129"/>
        <source>Cancelled: the previous dependency folder {} is unchanged.</source>
        <translation>Anulowano: poprzedni folder zależności {} pozostał bez zmian.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="136"/>
        <source>Installed into {} in {:.0f} s:</source>
        <translation>Zainstalowano do {} w {:.0f} s:</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="139"/>
        <source>torch build chosen: {}</source>
        <translation>wybrana wersja torch: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="142"/>
        <source>Kept this QGIS&apos;s own: {}</source>
        <translation>Zachowano własne pakiety tego QGIS: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="151"/>
        <source>torch was already loaded in this session from elsewhere: restart QGIS to use the new one.</source>
        <translation>torch został już wczytany w tej sesji z innego miejsca: uruchom ponownie QGIS, aby użyć nowego.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="154"/>
        <source>Still missing: {}</source>
        <translation>Nadal brakuje: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="36"/>
        <source>Downloads and installs the Python packages the hsi-lime algorithms need (torch, spyndex, and rasterio, geopandas, scikit-image, onnxruntime or skops when this QGIS lacks them) with the pip of the Python QGIS runs, into a folder of the plugin&apos;s own. Packages QGIS already has (numpy, GDAL, pandas, ...) are kept as they are. The algorithms work as soon as it finishes, without restarting QGIS. Needs an internet connection; the CPU build of torch is about 200 MB to download, the CUDA build several GB.</source>
        <translation>Pobiera i instaluje pakiety Pythona potrzebne algorytmom hsi-lime (torch, spyndex oraz rasterio, geopandas, scikit-image, onnxruntime lub skops, gdy brakuje ich w tym QGIS) za pomocą pip Pythona, na którym działa QGIS, do własnego folderu wtyczki. Pakiety, które QGIS już ma (numpy, GDAL, pandas, ...), pozostają bez zmian. Algorytmy działają zaraz po zakończeniu, bez ponownego uruchamiania QGIS. Wymaga połączenia z internetem; wersja CPU biblioteki torch to około 200 MB do pobrania, wersja CUDA kilka GB.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="66"/>
        <source>Include skops</source>
        <translation>Dołącz skops</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="66"/>
        <source>Also install skops, which scikit-learn models saved as .skops files (EnMAP-Box&apos;s classifiers and regressors) need.</source>
        <translation>Zainstaluj także skops, którego potrzebują modele scikit-learn zapisane w plikach .skops (klasyfikatory i regresory EnMAP-Box).</translation>
    </message>
</context>
<context>
    <name>ParameterChecks</name>
    <message>
        <location filename="../processing_algorithms/checks.py" line="100"/>
        <source>INPUT: {} does not exist; choose an existing raster file.</source>
        <translation>INPUT: {} nie istnieje; wybierz istniejący plik rastrowy.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/checks.py" line="113"/>
        <source>INPUT: {} is not a raster GDAL can read; choose a GeoTIFF, ENVI or other GDAL raster.</source>
        <translation>INPUT: {} nie jest rastrem czytelnym dla GDAL; wybierz raster GeoTIFF, ENVI lub inny raster GDAL.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/checks.py" line="140"/>
        <source>{0}: {1} is below {2:g}, the smallest value it takes; give at least {2:g}.</source>
        <translation>{0}: {1} jest mniejsze niż {2:g}, najmniejsza dopuszczalna wartość; podaj co najmniej {2:g}.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/checks.py" line="108"/>
        <source>INPUT: {} is damaged or incomplete: it starts as a GeoTIFF but GDAL cannot open it, as happens to a file whose download or copy was interrupted. Copy or download it again (&apos;gdalinfo&apos; finds such faults), then run again.</source>
        <translation>INPUT: {} jest uszkodzony lub niekompletny: zaczyna się jak GeoTIFF, ale GDAL nie może go otworzyć, jak plik, którego pobieranie lub kopiowanie zostało przerwane. Skopiuj lub pobierz go ponownie ('gdalinfo' wykrywa takie błędy), a następnie uruchom ponownie.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/checks.py" line="84"/>
        <source>PRODUCT: {} does not exist; choose the product&apos;s file.</source>
        <translation>PRODUCT: {} nie istnieje; wybierz plik produktu.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/checks.py" line="86"/>
        <source>INPUT: no raster was given; choose a hyperspectral raster (INPUT) or a sensor product file (PRODUCT).</source>
        <translation>INPUT: nie podano rastra; wybierz raster hiperspektralny (INPUT) lub plik produktu sensora (PRODUCT).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/checks.py" line="102"/>
        <source>INPUT: {} is a file QGIS cannot load as a raster layer (a sensor product&apos;s NetCDF, HDF5, metadata or ZIP?); give it as PRODUCT, which reads the products directly.</source>
        <translation>INPUT: {} to plik, którego QGIS nie może wczytać jako warstwy rastrowej (NetCDF, HDF5, metadane lub ZIP produktu sensora?); podaj go jako PRODUCT, który czyta produkty bezpośrednio.</translation>
    </message>
</context>
<context>
    <name>ParameterHelpers</name>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="104"/>
        <source>Hyperspectral raster</source>
        <translation>Raster hiperspektralny</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="125"/>
        <source>Model file</source>
        <translation>Plik modelu</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="142"/>
        <source>Allow Python model recipes (runs the recipe&apos;s code)</source>
        <translation>Zezwalaj na przepisy modeli w Pythonie (uruchamia kod przepisu)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="142"/>
        <source>Accept a Python recipe (.py defining load_model(device)) as MODEL. Off by default because loading a recipe runs the code in it with your permissions, like running a script: enable it only for recipes you wrote or trust. TorchScript and ONNX files need no such permission.</source>
        <translation>Akceptuje przepis w Pythonie (.py definiujący load_model(device)) jako MODEL. Domyślnie wyłączone, ponieważ wczytanie przepisu uruchamia jego kod z Twoimi uprawnieniami, jak uruchomienie skryptu: włącz tylko dla przepisów napisanych przez siebie lub zaufanych. Pliki TorchScript i ONNX nie wymagają takiej zgody.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="182"/>
        <source>Field polygons</source>
        <translation>Poligony pól</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="162"/>
        <source>Field identifier</source>
        <translation>Identyfikator pola</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="162"/>
        <source>Attribute that identifies each field polygon; empty: the feature id.</source>
        <translation>Atrybut identyfikujący każdy poligon pola; puste: identyfikator obiektu.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="230"/>
        <source>Targets</source>
        <translation>Zmienne docelowe</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="230"/>
        <source>Comma-separated target names or 0-based indices, or top:K for the K classes the model predicts highest for this image (or field); empty: every target of the model.</source>
        <translation>Nazwy zmiennych docelowych lub indeksy liczone od 0, rozdzielone przecinkami, albo top:K dla K klas, którym model przypisuje najwyższą predykcję dla tego obrazu (lub pola); puste: wszystkie zmienne docelowe modelu.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="241"/>
        <source>Method</source>
        <translation>Metoda</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="42"/>
        <source>LIME</source>
        <translation>LIME</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="42"/>
        <source>Kernel SHAP</source>
        <translation>Kernel SHAP</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="241"/>
        <source>LIME: a linear surrogate weighted towards small perturbations. Kernel SHAP: Shapley values, which add up to the prediction minus the prediction on the baseline (exact when the number of samples reaches 2^features).</source>
        <translation>LIME: liniowy model zastępczy ważony w stronę małych zaburzeń. Kernel SHAP: wartości Shapleya, które sumują się do predykcji minus predykcja dla wartości bazowej (dokładne, gdy liczba próbek osiąga 2^cech).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="252"/>
        <source>Number of samples (0 = automatic)</source>
        <translation>Liczba próbek (0 = automatycznie)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="252"/>
        <source>Perturbed images the model evaluates; more gives steadier attributions. 0: sample in rounds, reusing every image, until each attribution&apos;s 95 % interval is narrower than PRECISION times its target&apos;s largest attribution, or MAX_SAMPLES images were evaluated; the log says how many were used.</source>
        <translation>Zaburzone obrazy oceniane przez model; więcej daje stabilniejsze atrybucje. 0: próbkowanie w rundach, z ponownym użyciem każdego obrazu, aż przedział 95 % każdej atrybucji będzie węższy niż PRECISION razy największa atrybucja jej zmiennej docelowej lub zostanie ocenionych MAX_SAMPLES obrazów; dziennik podaje, ile użyto.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="264"/>
        <source>Precision of the automatic sample count</source>
        <translation>Dokładność automatycznej liczby próbek</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="264"/>
        <source>Half-width of the 95 % intervals, as a fraction of each target&apos;s largest attribution.</source>
        <translation>Połowa szerokości przedziałów 95 %, jako ułamek największej atrybucji każdej zmiennej docelowej.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="272"/>
        <source>Most samples of the automatic sample count</source>
        <translation>Największa automatyczna liczba próbek</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="272"/>
        <source>The automatic sample count never evaluates more images than this.</source>
        <translation>Automatyczna liczba próbek nigdy nie ocenia więcej obrazów niż ta wartość.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="284"/>
        <source>Baseline</source>
        <translation>Wartość bazowa</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="352"/>
        <source>Kernel width (LIME)</source>
        <translation>Szerokość jądra (LIME)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="352"/>
        <source>Width of LIME&apos;s similarity kernel on the cosine distance (0 to 1) between a perturbed image and the original; smaller is more local. The default 1.0 gives the image with everything removed 0.61 of the original&apos;s weight. Kernel SHAP ignores it.</source>
        <translation>Szerokość jądra podobieństwa LIME na odległości kosinusowej (od 0 do 1) między zaburzonym obrazem a oryginałem; mniejsza jest bardziej lokalna. Domyślne 1.0 daje obrazowi z usuniętymi wszystkimi cechami wagę 0.61 wagi oryginału. Kernel SHAP ją pomija.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="379"/>
        <source>Automatic</source>
        <translation>Automatycznie</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="379"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="380"/>
        <source>CUDA (NVIDIA GPU)</source>
        <translation>CUDA (GPU NVIDIA)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="385"/>
        <source>CSV (.csv) or GeoPackage (.gpkg) table, by the file&apos;s extension</source>
        <translation>tabela CSV (.csv) lub GeoPackage (.gpkg), według rozszerzenia pliku</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="389"/>
        <source>Batch size (0 = automatic)</source>
        <translation>Rozmiar partii (0 = automatycznie)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="389"/>
        <source>Images per forward pass; 0 chooses from the free memory.</source>
        <translation>Obrazy na jedno przejście modelu; 0 dobiera według wolnej pamięci.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="396"/>
        <source>Device</source>
        <translation>Urządzenie</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="396"/>
        <source>Automatic: the GPU when torch sees one, else the CPU. CUDA without a GPU is an error.</source>
        <translation>Automatycznie: GPU, gdy torch je widzi, w przeciwnym razie CPU. CUDA bez GPU jest błędem.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="403"/>
        <source>Random seed</source>
        <translation>Ziarno losowe</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="403"/>
        <source>The same seed gives the same samples and the same attributions.</source>
        <translation>To samo ziarno daje te same próbki i te same atrybucje.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="453"/>
        <source>Band wavelengths (override)</source>
        <translation>Długości fal kanałów (zastępują zapisane)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="453"/>
        <source>Band centres in nm, one per band in band order, separated by commas (values below 100 are read as micrometres), or the path of a text/CSV file that lists them. Empty: the wavelengths stored in the raster.</source>
        <translation>Środki kanałów w nm, po jednym na kanał w kolejności kanałów, rozdzielone przecinkami (wartości poniżej 100 są czytane jako mikrometry), lub ścieżka pliku tekstowego/CSV, który je wymienia. Puste: długości fal zapisane w rastrze.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="494"/>
        <source>Report</source>
        <translation>Raport</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="494"/>
        <source>HTML files (*.html)</source>
        <translation>Pliki HTML (*.html)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="494"/>
        <source>A self-contained HTML page: the parameters, the model card, the device, the time taken, per target the prediction, the base value (the model with every feature removed) and the surrogate&apos;s R2, and the figures.</source>
        <translation>Samodzielna strona HTML: parametry, karta modelu, urządzenie, czas działania, dla każdego celu predykcja, wartość bazowa (model z usuniętymi wszystkimi cechami) i R2 modelu zastępczego, oraz wykresy.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="434"/>
        <source>Empty: the standard bands B; G; R; RE1; RE2; RE3; N; N2; S1; S2 that lie inside the sensor&apos;s range. Otherwise groups separated by &apos;;&apos;, each one superband. Names: spyndex bands (B, G, R, RE1, N, S1, ...) or spectral indices (NDVI, BI, ...; an index stands for its bands), &apos;+&apos; merges names (G+B). Wavelengths in nm: label=lo-hi[,lo-hi...] (a single wavelength takes the nearest band). Band indices, 0-based and inclusive: label=iK-iM[,iK...]. A band belongs to the first group that names it. Examples: &apos;R; G+B; BI; potassium=462-475,599-613; edge=i40-i60&apos; - &apos;NDVI; water=940-990&apos; - &apos;visible=i0-i39; edge=i40-i60&apos;</source>
        <translation>Puste: standardowe kanały B; G; R; RE1; RE2; RE3; N; N2; S1; S2 leżące w zakresie sensora. W przeciwnym razie grupy rozdzielone ';', każda to jeden superkanał. Nazwy: kanały spyndex (B, G, R, RE1, N, S1, ...) lub wskaźniki spektralne (NDVI, BI, ...; wskaźnik oznacza swoje kanały), '+' łączy nazwy (G+B). Długości fal w nm: etykieta=od-do[,od-do...] (pojedyncza długość fali wybiera najbliższy kanał). Indeksy kanałów, liczone od 0, włącznie: etykieta=iK-iM[,iK...]. Kanał należy do pierwszej grupy, która go wymienia. Przykłady: 'R; G+B; BI; potassium=462-475,599-613; edge=i40-i60' - 'NDVI; water=940-990' - 'visible=i0-i39; edge=i40-i60'</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="444"/>
        <source>Band groups (superbands)</source>
        <translation>Grupy kanałów (superkanały)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="177"/>
        <source>Segments inside each unit</source>
        <translation>Segmenty w każdej jednostce</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="178"/>
        <source>Field polygons (not available here)</source>
        <translation>Poligony pól (tu niedostępne)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="179"/>
        <source>Spatial kind: SLIC superpixels (N_SEGMENTS, COMPACTNESS) or square patches (PATCH_SIZE).</source>
        <translation>Rodzaj przestrzenny: superpiksele SLIC (N_SEGMENTS, COMPACTNESS) lub kwadraty (PATCH_SIZE).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="182"/>
        <source>Segments</source>
        <translation>Segmenty</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="183"/>
        <source>0: the polygons of POLYGONS; 1: SLIC superpixels of the raster; 2: square patches.</source>
        <translation>0: poligony z POLYGONS; 1: superpiksele SLIC rastra; 2: kwadraty.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="185"/>
        <source>SLIC superpixels</source>
        <translation>Superpiksele SLIC</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="185"/>
        <source>Regular patches</source>
        <translation>Regularne kwadraty</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="188"/>
        <source>Number of SLIC superpixels</source>
        <translation>Liczba superpikseli SLIC</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="188"/>
        <source>Approximate number of superpixels (SEGMENTATION=1); a small unit gets at most one per pixel.</source>
        <translation>Przybliżona liczba superpikseli (SEGMENTATION=1); mała jednostka otrzymuje co najwyżej jeden na piksel.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="194"/>
        <source>SLIC compactness</source>
        <translation>Zwartość SLIC</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="194"/>
        <source>Higher: squarer superpixels; lower: superpixels that follow spectral edges.</source>
        <translation>Większa: bardziej kwadratowe superpiksele; mniejsza: superpiksele podążające za krawędziami spektralnymi.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="200"/>
        <source>Patch size (pixels)</source>
        <translation>Rozmiar kwadratu (piksele)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="200"/>
        <source>Side of the square patches (SEGMENTATION=2); edge patches are smaller.</source>
        <translation>Bok kwadratów (SEGMENTATION=2); kwadraty brzegowe są mniejsze.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="208"/>
        <source>Keep bands in no group fixed</source>
        <translation>Nie zmieniaj kanałów spoza grup</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="208"/>
        <source>No: the bands in no group form one more superband, &apos;not_included&apos;, switched off like the others. Yes: they keep their values in every sample and get no attribution.</source>
        <translation>Nie: kanały spoza grup tworzą dodatkowy superkanał 'not_included', wyłączany jak pozostałe. Tak: zachowują swoje wartości w każdej próbce i nie otrzymują atrybucji.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="372"/>
        <source>Integrated Gradients</source>
        <translation>Integrated Gradients</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="373"/>
        <source>Saliency</source>
        <translation>Saliency (mapa istotności)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="373"/>
        <source>Input x Gradient</source>
        <translation>Input x Gradient</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="374"/>
        <source>Occlusion</source>
        <translation>Okluzja</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="468"/>
        <source>Spectral importance of each pixel</source>
        <translation>Znaczenie spektralne każdego piksela</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="468"/>
        <source>A model that predicts each pixel from its spectrum (input.layout &apos;pixels&apos; in its card) only: every pixel&apos;s attribution of each target and superband, one band each, named target:superband, on the raster&apos;s grid. All pixels share the same samples, so one fit serves them all; Kernel SHAP is exact when N_SAMPLES covers all 2^K coalitions. The raster is read and written unit by unit (without polygons: in tiles).</source>
        <translation>Tylko dla modelu, który przewiduje każdy piksel z jego widma (input.layout 'pixels' w karcie): atrybucja każdego piksela dla każdej zmiennej docelowej i każdego superkanału, po jednym kanale o nazwie cel:superkanał, na siatce rastra. Wszystkie piksele dzielą te same próbki, więc jedno dopasowanie służy im wszystkim; Kernel SHAP jest dokładny, gdy N_SAMPLES obejmuje wszystkie 2^K koalicji. Raster jest czytany i zapisywany jednostka po jednostce (bez poligonów: w kafelkach).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="481"/>
        <source>Dominant superband of each pixel</source>
        <translation>Dominujący superkanał każdego piksela</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="481"/>
        <source>Per target (one band each) the superband that raises the pixel&apos;s prediction most, as classes named by the superbands (0: none raises it), styled with a legend of their names.</source>
        <translation>Dla każdej zmiennej docelowej (po jednym kanale) superkanał, który najbardziej podnosi predykcję piksela, jako klasy nazwane superkanałami (0: żaden jej nie podnosi), z legendą ich nazw.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="125"/>
        <source>A TorchScript (.pt) or ONNX (.onnx) model, a scikit-learn model saved with skops (.skops), or a Python recipe (.py, see ALLOW_PYTHON_MODEL). Its model card (same name, .json, or embedded in the model) gives the task, the targets or class names, the input scaling, size and wavelengths.</source>
        <translation>Model TorchScript (.pt) lub ONNX (.onnx), model scikit-learn zapisany przez skops (.skops) albo przepis w Pythonie (.py, zob. ALLOW_PYTHON_MODEL). Jego karta modelu (ta sama nazwa, .json, lub osadzona w modelu) podaje zadanie, zmienne docelowe lub nazwy klas, skalowanie wejścia, rozmiar i długości fal.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="104"/>
        <source>The image the model reads (GeoTIFF, ENVI or any GDAL format, or a sensor product&apos;s image such as EnMAP&apos;s SPECTRAL_IMAGE.TIF), one band per wavelength. Or give PRODUCT.</source>
        <translation>Obraz czytany przez model (GeoTIFF, ENVI lub dowolny format GDAL, albo obraz produktu sensora, np. SPECTRAL_IMAGE.TIF z EnMAP), jeden kanał na długość fali. Albo podaj PRODUCT.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="110"/>
        <source>Sensor product file (instead of INPUT)</source>
        <translation>Plik produktu sensora (zamiast INPUT)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="110"/>
        <source>A hyperspectral product as downloaded, read directly as reflectance (0-1) with its wavelengths, bad bands and map grid: EMIT L2A RFL (.nc), EnMAP L2A (METADATA.XML, SPECTRAL_IMAGE.TIF or the ZIP), PRISMA L2D (.he5), DESIS L2A (SPECTRAL_IMAGE.tif with its .hdr), Tanager ortho surface reflectance (.h5), AVIRIS L2A RFL_ORT (.nc). Used instead of INPUT, which cannot hold the products QGIS does not load as a layer.</source>
        <translation>Produkt hiperspektralny w postaci pobranej, czytany bezpośrednio jako odbicie (0-1) z długościami fal, złymi kanałami i siatką mapy: EMIT L2A RFL (.nc), EnMAP L2A (METADATA.XML, SPECTRAL_IMAGE.TIF lub ZIP), PRISMA L2D (.he5), DESIS L2A (SPECTRAL_IMAGE.tif z plikiem .hdr), odbicie powierzchniowe orto Tanager (.h5), AVIRIS L2A RFL_ORT (.nc). Używany zamiast INPUT, który nie może przyjąć produktów, których QGIS nie wczytuje jako warstwy.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="284"/>
        <source>What a removed feature becomes, and so which question the explanation answers. background: spectra of the scene (BACKGROUND), the expectation over them - &apos;what if these features looked like the rest of the scene?&apos;. zero, mean (the image&apos;s mean of each band) or a number, in model input units - &apos;what if they were this constant?&apos;. Spatial explanations only: blur (the image Gaussian-blurred, BLUR_SIGMA) - &apos;does the model need this region&apos;s own detail?&apos; - and inpaint (each removed segment filled from its surroundings) - &apos;what if this region looked like its neighbourhood?&apos;.</source>
        <translation>Czym staje się usunięta cecha, a więc na jakie pytanie odpowiada wyjaśnienie. background: widma sceny (BACKGROUND), wartość oczekiwana po nich – „co, gdyby te cechy wyglądały jak reszta sceny?”. zero, mean (średnia każdego kanału obrazu) lub liczba, w jednostkach wejścia modelu – „co, gdyby były tą stałą?”. Tylko dla wyjaśnień przestrzennych: blur (obraz rozmyty filtrem Gaussa, BLUR_SIGMA) – „czy model potrzebuje własnych szczegółów tego obszaru?” – oraz inpaint (każdy usunięty segment wypełniony z otoczenia) – „co, gdyby ten obszar wyglądał jak jego sąsiedztwo?”.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="297"/>
        <source>Background (for BASELINE=background)</source>
        <translation>Tło (dla BASELINE=background)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="297"/>
        <source>A raster whose valid pixels&apos; spectra form the background (the same bands as INPUT), or polygons on INPUT whose pixels form it (for example training fields, any CRS). Empty: INPUT&apos;s valid pixels over the whole scene, never only the part explained. Also the contrast of the baseline sensitivity when FAITHFULNESS is on.</source>
        <translation>Raster, którego widma poprawnych pikseli tworzą tło (te same kanały co INPUT), albo poligony na INPUT, których piksele je tworzą (na przykład pola treningowe, dowolny układ współrzędnych). Puste: poprawne piksele INPUT z całej sceny, nigdy tylko wyjaśniana część. Także punkt odniesienia dla wrażliwości na linię bazową, gdy FAITHFULNESS jest włączone.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="310"/>
        <source>Background size (spectra)</source>
        <translation>Rozmiar tła (widma)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="310"/>
        <source>Spectra the background is summarised into: a weighted k-means summary (the cluster centres, weighted by their sizes) when it holds more, every spectrum when it holds fewer.</source>
        <translation>Liczba widm, do których tło jest streszczane: ważone streszczenie k-średnich (środki skupień ważone ich wielkością), gdy zawiera więcej, każde widmo, gdy zawiera mniej.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="321"/>
        <source>Background expectation</source>
        <translation>Wartość oczekiwana po tle</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="321"/>
        <source>Sampled: each perturbed image takes one background spectrum drawn by weight, as many model evaluations as a constant baseline; the standard errors include the background&apos;s variance. Exact: every perturbed image is evaluated with every background spectrum (BACKGROUND_SIZE times the model evaluations); Kernel SHAP then gives the exact interventional Shapley values.</source>
        <translation>Próbkowana: każdy zaburzony obraz otrzymuje jedno widmo tła losowane według wag, tyle ewaluacji modelu co przy stałej linii bazowej; błędy standardowe obejmują wariancję tła. Dokładna: każdy zaburzony obraz jest oceniany z każdym widmem tła (BACKGROUND_SIZE razy więcej ewaluacji modelu); Kernel SHAP daje wtedy dokładne interwencyjne wartości Shapleya.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="335"/>
        <source>Blur sigma (pixels, for BASELINE=blur)</source>
        <translation>Sigma rozmycia (piksele, dla BASELINE=blur)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="335"/>
        <source>Standard deviation of the Gaussian that blurs each band for BASELINE=blur, in pixels.</source>
        <translation>Odchylenie standardowe filtru Gaussa, który rozmywa każdy kanał dla BASELINE=blur, w pikselach.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="346"/>
        <source>Sampled (one spectrum per perturbed image)</source>
        <translation>Próbkowana (jedno widmo na zaburzony obraz)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="347"/>
        <source>Exact (every spectrum for every perturbed image)</source>
        <translation>Dokładna (każde widmo dla każdego zaburzonego obrazu)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="412"/>
        <source>Score faithfulness (deletion, insertion, infidelity, baseline sensitivity)</source>
        <translation>Oceń wierność (usuwanie, wstawianie, infidelity, wrażliwość na linię bazową)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="412"/>
        <source>After explaining, remove (or add) the features in order of attribution and in random orders and record the model&apos;s output: deletion_auc (lower is better), insertion_auc (higher is better), the same for random orders, infidelity (lower is better) and, for spatial features, road_deletion_auc (removed pixels imputed from their neighbours, lower is better); and explain once more with a contrasting baseline (zero for background, background for the others): baseline_rank_corr, the rank correlation of the two (near 1: the ranking is the model&apos;s, near 0: the baseline&apos;s). Per target, in the outputs, the report and the log. Costs the explanation once more plus about 2 x (features + 1) x 4 model evaluations.</source>
        <translation>Po wyjaśnieniu usuwaj (lub dodawaj) cechy w kolejności atrybucji i w losowych kolejnościach i zapisuj wyjście modelu: deletion_auc (mniej znaczy lepiej), insertion_auc (więcej znaczy lepiej), to samo dla losowych kolejności, infidelity (mniej znaczy lepiej) oraz, dla cech przestrzennych, road_deletion_auc (usunięte piksele imputowane z sąsiadów, mniej znaczy lepiej); i wyjaśnij jeszcze raz z przeciwstawną linią bazową (zero dla background, background dla pozostałych): baseline_rank_corr, korelacja rang obu (blisko 1: ranking należy do modelu, blisko 0: do linii bazowej). Dla każdej zmiennej docelowej, w wynikach, raporcie i dzienniku. Kosztuje ponowne wyjaśnienie oraz około 2 x (cechy + 1) x 4 ewaluacji modelu.</translation>
    </message>
</context>
<context>
    <name>ParameterReaders</name>
    <message>
        <location filename="../processing_algorithms/readers.py" line="151"/>
        <source>INPUT: no raster layer was given; choose a hyperspectral raster.</source>
        <translation>INPUT: nie podano warstwy rastrowej; wybierz raster hiperspektralny.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/readers.py" line="154"/>
        <source>INPUT: the layer comes from the &apos;{}&apos; provider; choose a file-based (GDAL) raster.</source>
        <translation>INPUT: warstwa pochodzi z dostawcy '{}'; wybierz raster plikowy (GDAL).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/readers.py" line="117"/>
        <source>BACKGROUND: the layer cannot be found; choose a raster or a polygon layer, or leave it empty (the scene&apos;s own pixels).</source>
        <translation>BACKGROUND: nie można znaleźć warstwy; wybierz warstwę rastrową lub poligonową albo pozostaw puste (własne piksele sceny).</translation>
    </message>
</context>
</TS>
