<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AttributePixels</name>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="43"/>
        <source>Explain pixels and bands (gradients, occlusion)</source>
        <translation>Pixel und Kanäle erklären (Gradienten, Okklusion)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="76"/>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="76"/>
        <source>Integrated Gradients: (value - baseline) x the mean gradient on the straight path from the baseline; the attributions add up to the prediction minus the prediction on the baseline (the log reports the gap). Saliency: |gradient|. Input x Gradient: (value - baseline) x gradient. Occlusion: the drop of the output when a window is set to the baseline. Gradients need a TorchScript or Python model.</source>
        <translation>Integrated Gradients: (Wert - Basislinie) x mittlerer Gradient auf dem geraden Weg von der Basislinie; die Attributionen addieren sich zur Vorhersage minus der Vorhersage auf der Basislinie (das Protokoll nennt die Abweichung). Saliency: |Gradient|. Input x Gradient: (Wert - Basislinie) x Gradient. Occlusion: der Rückgang der Ausgabe, wenn ein Fenster auf die Basislinie gesetzt wird. Gradienten brauchen ein TorchScript- oder Python-Modell.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="87"/>
        <source>Noise (gradient methods)</source>
        <translation>Rauschen (Gradientenmethoden)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="87"/>
        <source>Average the gradient method over N_NOISE noisy copies: Gaussian noise (SmoothGrad: mean, squared: mean of squares, VarGrad: variance), or copies with random bands set to the baseline (band dropout).</source>
        <translation>Die Gradientenmethode über N_NOISE verrauschte Kopien mitteln: Gaußsches Rauschen (SmoothGrad: Mittel, quadriert: Mittel der Quadrate, VarGrad: Varianz) oder Kopien, in denen zufällige Kanäle auf die Basislinie gesetzt sind (Kanal-Dropout).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="98"/>
        <source>Integration steps</source>
        <translation>Integrationsschritte</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="98"/>
        <source>Points on the path from the baseline (Integrated Gradients, Gauss-Legendre).</source>
        <translation>Punkte auf dem Weg von der Basislinie (Integrated Gradients, Gauß-Legendre).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="101"/>
        <source>Noisy samples</source>
        <translation>Verrauschte Stichproben</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="101"/>
        <source>Noisy copies per target (NOISE).</source>
        <translation>Verrauschte Kopien je Zielgröße (NOISE).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="103"/>
        <source>Noise level</source>
        <translation>Rauschstärke</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="103"/>
        <source>Gaussian noise: standard deviation as a fraction of the value range. Band dropout: the probability that a band is switched to the baseline.</source>
        <translation>Gaußsches Rauschen: Standardabweichung als Anteil des Wertebereichs. Kanal-Dropout: die Wahrscheinlichkeit, dass ein Kanal auf die Basislinie gesetzt wird.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="110"/>
        <source>Occlusion window</source>
        <translation>Okklusionsfenster</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="110"/>
        <source>Pixels (8: squares of 8 x 8 pixels, all bands) or bands,rows,columns with 0 for a whole axis (5,0,0: 5 bands of the whole image at a time).</source>
        <translation>Pixel (8: Quadrate von 8 x 8 Pixeln, alle Kanäle) oder Kanäle,Zeilen,Spalten mit 0 für eine ganze Achse (5,0,0: jeweils 5 Kanäle des ganzen Bildes).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="113"/>
        <source>Occlusion stride</source>
        <translation>Okklusionsschrittweite</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="113"/>
        <source>Step between windows, in the same form as WINDOW; empty: the window&apos;s size (no overlap).</source>
        <translation>Schritt zwischen den Fenstern, in derselben Form wie WINDOW; leer: die Fenstergröße (keine Überlappung).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="64"/>
        <source>Optional polygons: the attributions summed over each (OUTPUT_SEGMENTS), and the segments of FAITHFULNESS.</source>
        <translation>Optionale Polygone: die Attributionen je Polygon summiert (OUTPUT_SEGMENTS) und die Segmente für FAITHFULNESS.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="66"/>
        <source>Band groups (superbands)</source>
        <translation>Kanalgruppen (Superbänder)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="66"/>
        <source>Optional band groups, as in Explain spectral importance: the attributions summed over each (OUTPUT_GROUPS).</source>
        <translation>Optionale Kanalgruppen wie bei „Spektrale Bedeutung erklären“: die Attributionen je Gruppe summiert (OUTPUT_GROUPS).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="119"/>
        <source>Attribution raster</source>
        <translation>Attributionsraster</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="119"/>
        <source>GeoTIFF on the input grid, one band per target (each pixel&apos;s attribution summed over its bands; band description = target name).</source>
        <translation>GeoTIFF auf dem Eingaberaster, ein Kanal je Zielgröße (die Attribution jedes Pixels über seine Kanäle summiert; Kanalbeschreibung = Name der Zielgröße).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="122"/>
        <source>Band attributions</source>
        <translation>Kanalattributionen</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="122"/>
        <source>One row per target and band: target, band (1-based), wavelength_nm, attribution (summed over the valid pixels). CSV or GeoPackage.</source>
        <translation>Eine Zeile je Zielgröße und Kanal: target, band (ab 1 gezählt), wavelength_nm, attribution (über die gültigen Pixel summiert). CSV oder GeoPackage.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="125"/>
        <source>Attribution cubes (folder)</source>
        <translation>Attributionswürfel (Ordner)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="125"/>
        <source>A folder: one GeoTIFF per target, attribution_&lt;target&gt;.tif, with one band per raster band.</source>
        <translation>Ein Ordner: ein GeoTIFF je Zielgröße, attribution_&lt;target&gt;.tif, mit einem Kanal je Rasterkanal.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="128"/>
        <source>Polygons with attributions</source>
        <translation>Polygone mit Attributionen</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="132"/>
        <source>POLYGONS with attr_&lt;target&gt; (summed attributions) and, with FAITHFULNESS, the scores per target; the columns of Explain spatial importance.</source>
        <translation>POLYGONS mit attr_&lt;target&gt; (summierte Attributionen) und, mit FAITHFULNESS, den Bewertungen je Zielgröße; die Spalten von „Räumliche Bedeutung erklären“.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="134"/>
        <source>Band group attributions</source>
        <translation>Attributionen der Kanalgruppen</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="134"/>
        <source>One row per target and band group, with the columns of Explain spectral importance.</source>
        <translation>Eine Zeile je Zielgröße und Kanalgruppe, mit den Spalten von „Spektrale Bedeutung erklären“.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="136"/>
        <source>Faithfulness per target</source>
        <translation>Treue je Zielgröße</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="44"/>
        <source>Attributes a hyperspectral model&apos;s prediction to every pixel and band: Integrated Gradients, Saliency or Input x Gradient (through captum, for TorchScript and Python models; optionally smoothed by SmoothGrad, SmoothGrad squared, VarGrad or band dropout), or Occlusion of sliding windows of pixels or bands (any model, ONNX included). Writes a georeferenced raster (one band per target, summed over bands), a table per target and band, optionally the full target x band cube, and sums over field polygons and band groups with the same columns as the LIME outputs, so that methods can be compared side by side.</source>
        <translation>Ordnet die Vorhersage eines hyperspektralen Modells jedem Pixel und jedem Band zu: Integrated Gradients, Saliency oder Input x Gradient (über captum, für TorchScript- und Python-Modelle; optional geglättet durch SmoothGrad, SmoothGrad quadriert, VarGrad oder Band-Dropout) oder Okklusion gleitender Fenster aus Pixeln oder Bändern (jedes Modell, auch ONNX). Schreibt ein georeferenziertes Raster (ein Band je Zielgröße, über die Bänder summiert), eine Tabelle je Zielgröße und Band, optional den vollständigen Würfel Zielgröße x Band sowie Summen über Feldpolygone und Bandgruppen mit denselben Spalten wie die LIME-Ausgaben, damit sich die Methoden direkt vergleichen lassen.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="87"/>
        <source>None</source>
        <translation>Keines</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="87"/>
        <source>SmoothGrad</source>
        <translation>SmoothGrad</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="87"/>
        <source>SmoothGrad squared</source>
        <translation>SmoothGrad quadriert</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="87"/>
        <source>VarGrad</source>
        <translation>VarGrad</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/attribute_pixels.py" line="87"/>
        <source>Band dropout</source>
        <translation>Band-Dropout</translation>
    </message>
</context>
<context>
    <name>ExplainFields</name>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="34"/>
        <source>Explain every field or tile</source>
        <translation>Jedes Feld oder jede Kachel erklären</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="55"/>
        <source>Units</source>
        <translation>Einheiten</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="55"/>
        <source>Field polygons</source>
        <translation>Feldpolygone</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="55"/>
        <source>Regular tiles</source>
        <translation>Regelmäßige Kacheln</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="55"/>
        <source>One raster per unit</source>
        <translation>Ein Raster je Einheit</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="55"/>
        <source>What is explained one by one: the polygons of POLYGONS, tiles of TILE_SIZE pixels of INPUT, or each raster of RASTERS.</source>
        <translation>Was einzeln erklärt wird: die Polygone aus POLYGONS, Kacheln von TILE_SIZE Pixeln aus INPUT oder jedes Raster aus RASTERS.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="63"/>
        <source>Fields explained one by one (UNITS 0; any CRS). Polygons outside the raster or smaller than one pixel are skipped with one warning naming them; duplicate ids in ID_FIELD are an error.</source>
        <translation>Felder, die einzeln erklärt werden (UNITS 0; beliebiges KBS). Polygone außerhalb des Rasters oder kleiner als ein Pixel werden mit einer Warnung, die sie nennt, übersprungen; doppelte Kennungen in ID_FIELD sind ein Fehler.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="66"/>
        <source>Tile size (pixels)</source>
        <translation>Kachelgröße (Pixel)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="66"/>
        <source>UNITS 1: square tiles on the raster&apos;s grid, edge tiles smaller; tiles without a valid pixel are skipped.</source>
        <translation>UNITS 1: quadratische Kacheln auf dem Gitter des Rasters, Randkacheln kleiner; Kacheln ohne gültiges Pixel werden übersprungen.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="72"/>
        <source>Rasters, one unit each</source>
        <translation>Raster, je eine Einheit</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="72"/>
        <source>UNITS 2: raster layers or files, each one unit named by its file name (e.g. one small image per field with its own nodata mask).</source>
        <translation>UNITS 2: Rasterlayer oder -dateien, jede eine Einheit, benannt nach ihrem Dateinamen (z. B. ein kleines Bild je Feld mit eigener NoData-Maske).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="80"/>
        <source>Dask scheduler address</source>
        <translation>Adresse des Dask-Schedulers</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="80"/>
        <source>e.g. tcp://10.0.0.5:8786: run the units on that Dask cluster (workers need hsi-lime installed with pip and the rasters on storage they can read). Empty: run in this process.</source>
        <translation>z. B. tcp://10.0.0.5:8786: die Einheiten auf diesem Dask-Cluster rechnen (die Worker brauchen hsi-lime, mit pip installiert, und die Raster auf einem Speicher, den sie lesen können). Leer: in diesem Prozess rechnen.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="92"/>
        <source>Spatial</source>
        <translation>Räumlich</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="92"/>
        <source>Spectral</source>
        <translation>Spektral</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="92"/>
        <source>Spatial: which regions inside each unit drive the prediction. Spectral: which band groups.</source>
        <translation>Räumlich: welche Bereiche in jeder Einheit die Vorhersage bestimmen. Spektral: welche Kanalgruppen.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="105"/>
        <source>Attribution raster</source>
        <translation>Attributionsraster</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="105"/>
        <source>Spatial kind with fields or tiles: one Float32 band per target over the whole input grid, units mosaicked, written block by block.</source>
        <translation>Räumliche Art mit Feldern oder Kacheln: ein Float32-Kanal je Zielgröße über das ganze Eingaberaster, Einheiten mosaikiert, blockweise geschrieben.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="111"/>
        <source>Attribution rasters folder</source>
        <translation>Ordner der Attributionsraster</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="111"/>
        <source>Spatial kind with one raster per unit: &lt;name&gt;_attribution.tif per input, on its grid.</source>
        <translation>Räumliche Art mit einem Raster je Einheit: &lt;name&gt;_attribution.tif je Eingabe, auf ihrem Gitter.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="122"/>
        <source>Attribution per unit</source>
        <translation>Attribution je Einheit</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="128"/>
        <source>Attribution across units</source>
        <translation>Attribution über alle Einheiten</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="167"/>
        <source>{} units explained, {} without valid pixels skipped</source>
        <translation>{} Einheiten erklärt, {} ohne gültige Pixel übersprungen</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="92"/>
        <source>Kind of explanation</source>
        <translation>Art der Erklärung</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="116"/>
        <source>Unit polygons</source>
        <translation>Polygone der Einheiten</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="36"/>
        <source>Explains every field of a polygon layer, every tile of a scene, or every raster of a list, each unit on its own: only the unit&apos;s window of the raster is read (pixels outside the field masked and never perturbed), and each unit&apos;s seed derives from SEED and its id, so results do not depend on the order or the number of workers. Runs in this process, or on a Dask cluster given its scheduler address. Writes the attribution raster (spatial kind), a layer with one polygon per unit (prediction, base value and R2 per target), a table per unit, target and feature, a summary across units, and an HTML report with maps or spectra.</source>
        <translation>Erklärt jedes Feld eines Polygonlayers, jede Kachel einer Szene oder jedes Raster einer Liste, jede Einheit für sich: Nur das Fenster der Einheit wird aus dem Raster gelesen (Pixel außerhalb des Feldes maskiert und nie gestört), und der Zufallsstartwert jeder Einheit leitet sich aus SEED und ihrer Kennung ab, sodass die Ergebnisse weder von der Reihenfolge noch von der Zahl der Worker abhängen. Läuft in diesem Prozess oder, mit der Adresse seines Schedulers, auf einem Dask-Cluster. Schreibt das Attributionsraster (räumliche Art), einen Layer mit einem Polygon je Einheit (Vorhersage, Basiswert und R2 je Zielgröße), eine Tabelle je Einheit, Zielgröße und Merkmal, eine Zusammenfassung über alle Einheiten und einen HTML-Bericht mit Karten oder Spektren.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="116"/>
        <source>One polygon per explained unit: unit_id, n_pixels, pred_&lt;target&gt; (the model&apos;s prediction), base_&lt;target&gt; (the model with every feature removed), r2_&lt;target&gt;.</source>
        <translation>Ein Polygon je erklärter Einheit: unit_id, n_pixels, pred_&lt;target&gt; (die Vorhersage des Modells), base_&lt;target&gt; (das Modell ohne jedes Merkmal), r2_&lt;target&gt;.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="98"/>
        <source>Spectral kind.</source>
        <translation>Spektrale Art.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="122"/>
        <source>One row per unit, target and feature: unit_id, target, feature, wavelengths_nm and n_bands (for superbands), attribution, se, ci_low, ci_high (95 %), r2, prediction, base_value. {}.</source>
        <translation>Eine Zeile je Einheit, Zielgröße und Merkmal: unit_id, target, feature, wavelengths_nm und n_bands (für Superbänder), attribution, se, ci_low, ci_high (95 %), r2, prediction, base_value. {}.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="128"/>
        <source>One row per target and feature: wavelengths_nm, n_bands, mean, std, median, min, max, n_units, mean_r2. {}.</source>
        <translation>Eine Zeile je Zielgröße und Merkmal: wavelengths_nm, n_bands, mean, std, median, min, max, n_units, mean_r2. {}.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_fields.py" line="52"/>
        <source>The scene the fields or tiles are read from, window by window (UNITS 0 and 1); or give PRODUCT.</source>
        <translation>Die Szene, aus der die Felder oder Kacheln Fenster für Fenster gelesen werden (UNITS 0 und 1); oder PRODUCT angeben.</translation>
    </message>
</context>
<context>
    <name>ExplainSpatial</name>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="39"/>
        <source>Polygons used as segments (required for SEGMENTATION=0), any CRS.</source>
        <translation>Polygone, die als Segmente dienen (für SEGMENTATION=0 erforderlich), beliebiges KBS.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="44"/>
        <source>Attribution raster</source>
        <translation>Attributionsraster</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="44"/>
        <source>GeoTIFF on the input grid, one band per target (band description = target name).</source>
        <translation>GeoTIFF auf dem Eingaberaster, ein Kanal je Zielgröße (Kanalbeschreibung = Name der Zielgröße).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="48"/>
        <source>Segments with attributions</source>
        <translation>Segmente mit Attributionen</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="56"/>
        <source>Surrogate R2 per target</source>
        <translation>R2 des Ersatzmodells je Zielgröße</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="88"/>
        <source>Surrogate R2: {}</source>
        <translation>R2 des Ersatzmodells: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="57"/>
        <source>Faithfulness per target</source>
        <translation>Treue je Zielgröße</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="23"/>
        <source>Explain spatial importance</source>
        <translation>Räumliche Bedeutung erklären</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="24"/>
        <source>Explains a hyperspectral model&apos;s prediction by switching off regions of the image (field polygons, SLIC superpixels or square patches) and fitting a weighted linear surrogate for every target at once. Writes a georeferenced attribution raster (one band per target) and, optionally, the segments as polygons with attr_, se_ (standard error) and r2_ columns per target.</source>
        <translation>Erklärt die Vorhersage eines hyperspektralen Modells, indem Bildregionen (Feldpolygone, SLIC-Superpixel oder quadratische Kacheln) ausgeschaltet werden und für alle Zielgrößen zugleich ein gewichtetes lineares Ersatzmodell angepasst wird. Schreibt ein georeferenziertes Attributionsraster (ein Band je Zielgröße) und optional die Segmente als Polygone mit den Spalten attr_, se_ (Standardfehler) und r2_ je Zielgröße.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spatial.py" line="52"/>
        <source>One polygon per segment: the field polygons with their own attributes, or the superpixels or patches with segment_id; per target attr_ (attribution), se_ (standard error), low_ and high_ (95% interval) and r2_.</source>
        <translation>Ein Polygon je Segment: die Feldpolygone mit ihren eigenen Attributen oder die Superpixel bzw. Kacheln mit segment_id; je Zielgröße attr_ (Attribution), se_ (Standardfehler), low_ und high_ (95-%-Intervall) und r2_.</translation>
    </message>
</context>
<context>
    <name>ExplainSpectral</name>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="38"/>
        <source>Fields explained one by one (any CRS); empty: the whole raster is explained once.</source>
        <translation>Felder, die einzeln erklärt werden (beliebiges KBS); leer: das ganze Raster wird einmal erklärt.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="44"/>
        <source>Spectral importance</source>
        <translation>Spektrale Bedeutung</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="53"/>
        <source>Band attributions</source>
        <translation>Kanalattributionen</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="62"/>
        <source>Spectral importance across fields</source>
        <translation>Spektrale Bedeutung über alle Felder</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="71"/>
        <source>Spectral importance figure</source>
        <translation>Abbildung der spektralen Bedeutung</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="71"/>
        <source>PNG, one row per target: attribution along the wavelength with the superbands shaded, and bars per superband (box plots across fields when POLYGONS is given).</source>
        <translation>PNG, eine Zeile je Zielgröße: Attribution entlang der Wellenlänge mit schattierten Superbändern und Balken je Superband (Boxplots über die Felder, wenn POLYGONS angegeben ist).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="111"/>
        <source>Surrogate R2 (mean over fields): {}</source>
        <translation>R2 des Ersatzmodells (Mittel über die Felder): {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="86"/>
        <source>Faithfulness per target</source>
        <translation>Treue je Zielgröße</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="18"/>
        <source>Explain spectral importance</source>
        <translation>Spektrale Bedeutung erklären</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="19"/>
        <source>Explains a hyperspectral model&apos;s prediction by switching off groups of bands (superbands: spectral band or index names, wavelength ranges, band indices) and fitting a weighted linear surrogate for every target at once. Without polygons the whole raster is explained once; with field polygons each field is explained on its own (its bounding box, pixels outside the field set to 0 and never perturbed), and a summary across fields gives the global view. Writes a table per target and superband (attribution, standard error, 95 % interval, surrogate R2), optionally a table per band, the summary and a PNG figure.</source>
        <translation>Erklärt die Vorhersage eines hyperspektralen Modells, indem Bandgruppen (Superbänder: Namen spektraler Bänder oder Indizes, Wellenlängenbereiche, Bandindizes) ausgeschaltet werden und für alle Zielgrößen zugleich ein gewichtetes lineares Ersatzmodell angepasst wird. Ohne Polygone wird das ganze Raster einmal erklärt; mit Feldpolygonen wird jedes Feld für sich erklärt (sein umgebendes Rechteck, Pixel außerhalb des Feldes auf 0 gesetzt und nie gestört), und eine Zusammenfassung über die Felder gibt die Gesamtsicht. Schreibt eine Tabelle je Zielgröße und Superband (Attribution, Standardfehler, 95-%-Intervall, R2 des Ersatzmodells), optional eine Tabelle je Band, die Zusammenfassung und eine PNG-Abbildung.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="44"/>
        <source>One row per field, target and superband: unit_id (the field; empty for the whole raster), target, feature (the superband), wavelengths_nm, n_bands, attribution, se, ci_low, ci_high (95 %), r2, prediction, base_value. {}.</source>
        <translation>Eine Zeile je Feld, Zielgröße und Superband: unit_id (das Feld; leer für das ganze Raster), target, feature (das Superband), wavelengths_nm, n_bands, attribution, se, ci_low, ci_high (95 %), r2, prediction, base_value. {}.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="53"/>
        <source>One row per field, target and band: unit_id, target, band (1-based), wavelength_nm, feature (the superband), attribution (its superband&apos;s). {}.</source>
        <translation>Eine Zeile je Feld, Zielgröße und Kanal: unit_id, target, band (ab 1 gezählt), wavelength_nm, feature (das Superband), attribution (die seines Superbands). {}.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/explain_spectral.py" line="62"/>
        <source>One row per target and superband (feature): wavelengths_nm, n_bands, mean, std, median, min, max of the attribution across fields, n_units, mean_r2. {}.</source>
        <translation>Eine Zeile je Zielgröße und Superband (feature): wavelengths_nm, n_bands, mean, std, median, min, max der Attribution über die Felder, n_units, mean_r2. {}.</translation>
    </message>
</context>
<context>
    <name>ExplorerDock</name>
    <message>
        <location filename="../gui/dock.py" line="55"/>
        <source>Hyperspectral explanations</source>
        <translation>Hyperspektrale Erklärungen</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="81"/>
        <source>Click a field or a pixel of an hsi-lime output to see its explanation, or a hyperspectral raster to explain it here.</source>
        <translation>Klicken Sie auf ein Feld oder ein Pixel einer hsi-lime-Ausgabe, um seine Erklärung zu sehen, oder auf ein hyperspektrales Raster, um die Stelle hier zu erklären.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="98"/>
        <source>The target shown here and on the output layers</source>
        <translation>Die Zielgröße, die hier und in den Ausgabelayern gezeigt wird</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="295"/>
        <source>Pin</source>
        <translation>Anheften</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="103"/>
        <source>Keep this unit, and compare the next one with it</source>
        <translation>Diese Einheit behalten und die nächste mit ihr vergleichen</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="108"/>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="111"/>
        <source>Save the plot as PNG or SVG...</source>
        <translation>Diagramm als PNG oder SVG speichern...</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="112"/>
        <source>Copy the unit&apos;s rows as CSV</source>
        <translation>Zeilen der Einheit als CSV kopieren</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="114"/>
        <source>Target</source>
        <translation>Zielgröße</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="139"/>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="153"/>
        <source>explained here, now</source>
        <translation>hier erklärt, soeben</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="156"/>
        <source>A per-pixel map holds attributions only: click the pixel on the raster to explain it here, with intervals, the prediction and the base value.</source>
        <translation>Eine Pixelkarte enthält nur Attributionen: Klicken Sie auf das Pixel im Raster, um es hier zu erklären, mit Intervallen, Vorhersage und Basiswert.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="175"/>
        <source>Nothing shown: {}</source>
        <translation>Nichts angezeigt: {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="231"/>
        <source>attribution</source>
        <translation>Attribution</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="231"/>
        <source>wavelength (nm)</source>
        <translation>Wellenlänge (nm)</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="231"/>
        <source>band</source>
        <translation>Kanal</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="231"/>
        <source>mean spectrum</source>
        <translation>mittleres Spektrum</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="231"/>
        <source>difference (shown - pinned)</source>
        <translation>Differenz (angezeigt - angeheftet)</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="231"/>
        <source>the {shown} strongest of {total}</source>
        <translation>die {shown} stärksten von {total}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="240"/>
        <source>Prediction</source>
        <translation>Vorhersage</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="241"/>
        <source>Base value</source>
        <translation>Basiswert</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="241"/>
        <source>R²</source>
        <translation>R²</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="242"/>
        <source>Deletion AUC</source>
        <translation>Deletion-AUC</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="243"/>
        <source>Insertion AUC</source>
        <translation>Insertion-AUC</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="244"/>
        <source>Random deletion AUC</source>
        <translation>Zufalls-Deletion-AUC</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="245"/>
        <source>Random insertion AUC</source>
        <translation>Zufalls-Insertion-AUC</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="246"/>
        <source>Infidelity</source>
        <translation>Infidelity</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="272"/>
        <source>Save the plot</source>
        <translation>Diagramm speichern</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="285"/>
        <source>{} rows copied as CSV.</source>
        <translation>{} Zeilen als CSV kopiert.</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="295"/>
        <source>Pinned: {}</source>
        <translation>Angeheftet: {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="324"/>
        <source>Segment {}</source>
        <translation>Segment {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="324"/>
        <source>Field {}</source>
        <translation>Feld {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="325"/>
        <source>Tile {}</source>
        <translation>Kachel {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="325"/>
        <source>Raster {}</source>
        <translation>Raster {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="326"/>
        <source>Pixel {}</source>
        <translation>Pixel {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="326"/>
        <source>Unit {}</source>
        <translation>Einheit {}</translation>
    </message>
    <message>
        <location filename="../gui/dock.py" line="327"/>
        <source>(the whole raster)</source>
        <translation>(das ganze Raster)</translation>
    </message>
    <message>
        <location filename="../gui/explorer.py" line="58"/>
        <source>Preparing the explorer</source>
        <translation>Explorer wird vorbereitet</translation>
    </message>
    <message>
        <location filename="../gui/explorer.py" line="76"/>
        <source>The explorer needs Python packages this QGIS cannot import: {}. Install them with Plugins, hsi-lime, Install dependencies...</source>
        <translation>Der Explorer braucht Python-Pakete, die dieses QGIS nicht importieren kann: {}. Installieren Sie sie mit Erweiterungen, hsi-lime, Abhängigkeiten installieren...</translation>
    </message>
    <message>
        <location filename="../gui/explorer.py" line="83"/>
        <source>Nothing to explore here: click a feature or a pixel of an hsi-lime output, or a hyperspectral raster (the current layer) to explain the place.</source>
        <translation>Hier gibt es nichts zu erkunden: Klicken Sie auf ein Objekt oder ein Pixel einer hsi-lime-Ausgabe oder auf ein hyperspektrales Raster (den aktuellen Layer), um die Stelle zu erklären.</translation>
    </message>
    <message>
        <location filename="../gui/explorer.py" line="89"/>
        <source>Reading the explanation in {}</source>
        <translation>Erklärung in {} wird gelesen</translation>
    </message>
    <message>
        <location filename="../gui/explorer.py" line="95"/>
        <source>Explain here needs a model: run an explain algorithm in this project, or choose the model in the settings below.</source>
        <translation>„Hier erklären“ braucht ein Modell: Führen Sie in diesem Projekt einen Erklärungsalgorithmus aus oder wählen Sie das Modell unten in den Einstellungen.</translation>
    </message>
    <message>
        <location filename="../gui/explorer.py" line="101"/>
        <source>Explaining here in {}</source>
        <translation>Hier erklären in {}</translation>
    </message>
    <message>
        <location filename="../gui/explorer.py" line="123"/>
        <source>Cancelled: nothing was computed or written.</source>
        <translation>Abgebrochen: nichts wurde berechnet oder geschrieben.</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="32"/>
        <source>Explain here: settings</source>
        <translation>Hier erklären: Einstellungen</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="40"/>
        <source>empty: the standard bands</source>
        <translation>leer: die Standardkanäle</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="45"/>
        <source>automatic</source>
        <translation>automatisch</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="52"/>
        <source>automatic (pixel for a per-pixel model)</source>
        <translation>automatisch (Pixel bei einem Pixelmodell)</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="52"/>
        <source>the clicked pixel</source>
        <translation>das angeklickte Pixel</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="52"/>
        <source>the field under the click</source>
        <translation>das Feld unter dem Klick</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="64"/>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="64"/>
        <source>Band groups</source>
        <translation>Kanalgruppen</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="64"/>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="64"/>
        <source>Samples</source>
        <translation>Stichproben</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="64"/>
        <source>Baseline</source>
        <translation>Basislinie</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="64"/>
        <source>Seed</source>
        <translation>Startwert</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="64"/>
        <source>Explain</source>
        <translation>Erklären</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="64"/>
        <source>Fields</source>
        <translation>Felder</translation>
    </message>
    <message>
        <location filename="../gui/settings_panel.py" line="64"/>
        <source>Field id</source>
        <translation>Feld-ID</translation>
    </message>
</context>
<context>
    <name>HelpText</name>
    <message>
        <location filename="../processing_algorithms/help_text.py" line="53"/>
        <source>More: {}</source>
        <translation>Mehr: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/help_text.py" line="62"/>
        <source>Advanced parameters</source>
        <translation>Erweiterte Parameter</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/help_text.py" line="69"/>
        <source>Reference page: every parameter in full, with examples</source>
        <translation>Referenzseite: jeder Parameter ausführlich, mit Beispielen</translation>
    </message>
</context>
<context>
    <name>HsiLimeAlgorithm</name>
    <message>
        <location filename="../processing_algorithms/base.py" line="175"/>
        <source>Cancelled: nothing was written.</source>
        <translation>Abgebrochen: Es wurde nichts geschrieben.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/base.py" line="125"/>
        <source>hsi-lime needs Python packages that this QGIS cannot import: {missing}. Install them with the algorithm &apos;Install or update Python dependencies&apos; (Processing Toolbox, Hyperspectral explanations, Setup; or the menu Plugins, hsi-lime, Install dependencies...), or run: {command}</source>
        <translation>hsi-lime braucht Python-Pakete, die dieses QGIS nicht importieren kann: {missing}. Installieren Sie sie mit dem Algorithmus „Python-Abhängigkeiten installieren oder aktualisieren“ (Processing-Werkzeugkiste, Hyperspektrale Erklärungen, Einrichtung; oder das Menü Erweiterungen, hsi-lime, Abhängigkeiten installieren...) oder führen Sie aus: {command}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/base.py" line="146"/>
        <source>CUDA, {} (DEVICE auto and cuda use it)</source>
        <translation>CUDA, {} (DEVICE auto und cuda verwenden sie)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/base.py" line="148"/>
        <source>CPU (torch sees no CUDA GPU)</source>
        <translation>CPU (torch sieht keine CUDA-GPU)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/base.py" line="149"/>
        <source>torch {}, device: {}</source>
        <translation>torch {}, Gerät: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/base.py" line="91"/>
        <source>Explain a raster</source>
        <translation>Ein Raster erklären</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/base.py" line="92"/>
        <source>Map scale</source>
        <translation>Kartenmaßstab</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/base.py" line="93"/>
        <source>Setup</source>
        <translation>Einrichtung</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/base.py" line="94"/>
        <source>Sensor products</source>
        <translation>Sensorprodukte</translation>
    </message>
</context>
<context>
    <name>HsiLimePlugin</name>
    <message>
        <location filename="../plugin.py" line="56"/>
        <source>Install dependencies...</source>
        <translation>Abhängigkeiten installieren...</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="59"/>
        <source>Explore explanations</source>
        <translation>Erklärungen erkunden</translation>
    </message>
    <message>
        <location filename="../plugin.py" line="63"/>
        <source>Explore explanations: click a field or a pixel of an hsi-lime output, or a raster to explain it here</source>
        <translation>Erklärungen erkunden: Klicken Sie auf ein Feld oder ein Pixel einer hsi-lime-Ausgabe oder auf ein Raster, um es hier zu erklären</translation>
    </message>
</context>
<context>
    <name>HsiLimeProvider</name>
    <message>
        <location filename="../processing_algorithms/provider.py" line="26"/>
        <source>Hyperspectral explanations</source>
        <translation>Hyperspektrale Erklärungen</translation>
    </message>
</context>
<context>
    <name>ImportProduct</name>
    <message>
        <location filename="../processing_algorithms/import_product.py" line="22"/>
        <source>Import a sensor product</source>
        <translation>Sensorprodukt importieren</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_product.py" line="23"/>
        <source>Saves a hyperspectral product as downloaded (EMIT L2A, EnMAP L2A, PRISMA L2D, DESIS L2A, Tanager ortho surface reflectance, AVIRIS L2A) as a raster every tool reads: reflectance (0-1) on the product&apos;s map grid (EMIT orthorectified through its GLT), with each band&apos;s wavelength, FWHM and bad-band flag in the conventions hsi-lime and EnMAP-Box read, nodata -9999, and an RGB default style. The explain algorithms read the products directly (PRODUCT): import only to keep the cube in a project or for other tools.</source>
        <translation>Speichert ein Hyperspektralprodukt, wie es heruntergeladen wurde (EMIT L2A, EnMAP L2A, PRISMA L2D, DESIS L2A, Tanager Ortho-Oberflächenreflexion, AVIRIS L2A), als Raster, das jedes Werkzeug liest: Reflexion (0-1) auf dem Kartenraster des Produkts (EMIT über seine GLT orthorektifiziert), mit Wellenlänge, FWHM und Kennzeichnung schlechter Kanäle jedes Kanals in den Konventionen, die hsi-lime und EnMAP-Box lesen, NoData -9999 und einem RGB-Standardstil. Die Erklär-Algorithmen lesen die Produkte direkt (PRODUCT): importieren Sie nur, um den Würfel in einem Projekt oder für andere Werkzeuge zu behalten.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_product.py" line="38"/>
        <source>Sensor product file</source>
        <translation>Sensorprodukt-Datei</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_product.py" line="44"/>
        <source>Leave out the bad bands</source>
        <translation>Schlechte Kanäle weglassen</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_product.py" line="44"/>
        <source>Write only the good bands (without EMIT&apos;s bad wavelengths, EnMAP&apos;s no-data bands, ...). Kept, they are flagged bbl=0, and every algorithm leaves them out of its superbands.</source>
        <translation>Nur die guten Kanäle schreiben (ohne die schlechten Wellenlängen von EMIT, die Kanäle ohne Daten von EnMAP, ...). Behalten werden sie mit bbl=0 gekennzeichnet, und jeder Algorithmus lässt sie aus seinen Superkanälen heraus.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_product.py" line="50"/>
        <source>Imported raster</source>
        <translation>Importiertes Raster</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_product.py" line="50"/>
        <source>A GeoTIFF (.tif), or a VRT (.vrt) over an EnMAP or DESIS product&apos;s own image, which needs no copy (keep the product where it is).</source>
        <translation>Ein GeoTIFF (.tif) oder ein VRT (.vrt) über dem eigenen Bild eines EnMAP- oder DESIS-Produkts, das keine Kopie braucht (lassen Sie das Produkt, wo es ist).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_product.py" line="63"/>
        <source>{product}: {bands} bands written to {output}; default style: {rendering}</source>
        <translation>{product}: {bands} Kanäle nach {output} geschrieben; Standardstil: {rendering}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/import_product.py" line="38"/>
        <source>The product&apos;s main file, as downloaded: EMIT_L2A_RFL_*.nc, EnMAP L2A *-METADATA.XML (or *-SPECTRAL_IMAGE.TIF, or the product ZIP), PRS_L2D_*.he5, DESIS-HSI-L2A-*-SPECTRAL_IMAGE.tif (with its .hdr), Tanager *_ortho_sr_hdf5.h5 or AVIRIS *_RFL_ORT.nc.</source>
        <translation>Die Hauptdatei des Produkts, wie heruntergeladen: EMIT_L2A_RFL_*.nc, EnMAP L2A *-METADATA.XML (oder *-SPECTRAL_IMAGE.TIF oder das Produkt-ZIP), PRS_L2D_*.he5, DESIS-HSI-L2A-*-SPECTRAL_IMAGE.tif (mit seiner .hdr), Tanager *_ortho_sr_hdf5.h5 oder AVIRIS *_RFL_ORT.nc.</translation>
    </message>
</context>
<context>
    <name>InstallDependencies</name>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="34"/>
        <source>Install or update Python dependencies</source>
        <translation>Python-Abhängigkeiten installieren oder aktualisieren</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="50"/>
        <source>Auto-detect</source>
        <translation>Automatisch erkennen</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="50"/>
        <source>CPU only</source>
        <translation>Nur CPU</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="50"/>
        <source>NVIDIA CUDA</source>
        <translation>NVIDIA CUDA</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="50"/>
        <source>Auto-detect: the CUDA build when an NVIDIA driver is found (nvidia-smi or the driver library), else the CPU build. The log says which it chose and why.</source>
        <translation>Automatisch erkennen: die CUDA-Version, wenn ein NVIDIA-Treiber gefunden wird (nvidia-smi oder die Treiberbibliothek), sonst die CPU-Version. Das Protokoll nennt die Wahl und den Grund.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="62"/>
        <source>Include ONNX Runtime</source>
        <translation>ONNX Runtime einschließen</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="62"/>
        <source>Also install onnxruntime, which ONNX (.onnx) models need.</source>
        <translation>Auch onnxruntime installieren, das ONNX-Modelle (.onnx) brauchen.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="90"/>
        <source>Dependency folder</source>
        <translation>Ordner der Abhängigkeiten</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="76"/>
        <source>Where the packages go. Empty: the HSI_LIME_DEPENDENCIES environment variable when set, else python/hsi_lime_dependencies/python3.X in the active QGIS profile. Its previous content is replaced only when the installation succeeds.</source>
        <translation>Wohin die Pakete kommen. Leer: die Umgebungsvariable HSI_LIME_DEPENDENCIES, wenn gesetzt, sonst python/hsi_lime_dependencies/python3.X im aktiven QGIS-Profil. Der bisherige Inhalt wird nur ersetzt, wenn die Installation gelingt.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="91"/>
        <source>Report</source>
        <translation>Bericht</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="99"/>
        <source>FOLDER: no QGIS profile is known here; choose a folder.</source>
        <translation>FOLDER: hier ist kein QGIS-Profil bekannt; wählen Sie einen Ordner.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="113"/>
        <source>Python of this QGIS: {}</source>
        <translation>Python dieses QGIS: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="114"/>
        <source>torch build: {}</source>
        <translation>torch-Version: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="115"/>
        <source>torch source: {}</source>
        <translation>torch-Quelle: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="116"/>
        <source>Installing into {}: {}</source>
        <translation>Installation in {}: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="129"/>
        <source>Cancelled: the previous dependency folder {} is unchanged.</source>
        <translation>Abgebrochen: der bisherige Ordner der Abhängigkeiten {} ist unverändert.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="136"/>
        <source>Installed into {} in {:.0f} s:</source>
        <translation>In {} installiert, in {:.0f} s:</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="139"/>
        <source>torch build chosen: {}</source>
        <translation>Gewählte torch-Version: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="142"/>
        <source>Kept this QGIS&apos;s own: {}</source>
        <translation>Von diesem QGIS beibehalten: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="151"/>
        <source>torch was already loaded in this session from elsewhere: restart QGIS to use the new one.</source>
        <translation>torch wurde in dieser Sitzung schon von anderswo geladen: starten Sie QGIS neu, um das neue zu verwenden.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="154"/>
        <source>Still missing: {}</source>
        <translation>Fehlt noch: {}</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="71"/>
        <source>Include Dask</source>
        <translation>Dask einschließen</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="71"/>
        <source>Also install dask and distributed, which running &apos;Explain every field or tile&apos; on a Dask cluster (DASK_SCHEDULER) needs; not needed to run in this process.</source>
        <translation>Auch dask und distributed installieren, die 'Jedes Feld oder jede Kachel erklären' auf einem Dask-Cluster (DASK_SCHEDULER) braucht; für das Rechnen in diesem Prozess nicht nötig.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="50"/>
        <source>PyTorch build</source>
        <translation>PyTorch-Variante</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="36"/>
        <source>Downloads and installs the Python packages the hsi-lime algorithms need (torch, spyndex, and rasterio, geopandas, scikit-image, onnxruntime or skops when this QGIS lacks them) with the pip of the Python QGIS runs, into a folder of the plugin&apos;s own. Packages QGIS already has (numpy, GDAL, pandas, ...) are kept as they are. The algorithms work as soon as it finishes, without restarting QGIS. Needs an internet connection; the CPU build of torch is about 200 MB to download, the CUDA build several GB.</source>
        <translation>Lädt die Python-Pakete herunter, die die hsi-lime-Algorithmen brauchen (torch, spyndex sowie rasterio, geopandas, scikit-image, onnxruntime oder skops, wenn diesem QGIS sie fehlen), und installiert sie mit dem pip des Pythons, in dem QGIS läuft, in einen eigenen Ordner der Erweiterung. Pakete, die QGIS schon hat (numpy, GDAL, pandas, ...), bleiben, wie sie sind. Die Algorithmen funktionieren sofort danach, ohne QGIS neu zu starten. Braucht eine Internetverbindung; die CPU-Version von torch ist etwa 200 MB groß, die CUDA-Version mehrere GB.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="66"/>
        <source>Include skops</source>
        <translation>skops einbeziehen</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/install_dependencies.py" line="66"/>
        <source>Also install skops, which scikit-learn models saved as .skops files (EnMAP-Box&apos;s classifiers and regressors) need.</source>
        <translation>Auch skops installieren, das scikit-learn-Modelle in .skops-Dateien (die Klassifikatoren und Regressoren der EnMAP-Box) brauchen.</translation>
    </message>
</context>
<context>
    <name>ParameterChecks</name>
    <message>
        <location filename="../processing_algorithms/checks.py" line="100"/>
        <source>INPUT: {} does not exist; choose an existing raster file.</source>
        <translation>INPUT: {} existiert nicht; wählen Sie eine vorhandene Rasterdatei.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/checks.py" line="113"/>
        <source>INPUT: {} is not a raster GDAL can read; choose a GeoTIFF, ENVI or other GDAL raster.</source>
        <translation>INPUT: {} ist kein Raster, das GDAL lesen kann; wählen Sie ein GeoTIFF-, ENVI- oder anderes GDAL-Raster.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/checks.py" line="140"/>
        <source>{0}: {1} is below {2:g}, the smallest value it takes; give at least {2:g}.</source>
        <translation>{0}: {1} liegt unter {2:g}, dem kleinsten zulässigen Wert; geben Sie mindestens {2:g} an.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/checks.py" line="108"/>
        <source>INPUT: {} is damaged or incomplete: it starts as a GeoTIFF but GDAL cannot open it, as happens to a file whose download or copy was interrupted. Copy or download it again (&apos;gdalinfo&apos; finds such faults), then run again.</source>
        <translation>INPUT: {} ist beschädigt oder unvollständig: die Datei beginnt wie ein GeoTIFF, aber GDAL kann sie nicht öffnen, wie bei einer Datei, deren Download oder Kopie unterbrochen wurde. Kopieren oder laden Sie sie erneut herunter ('gdalinfo' findet solche Fehler) und starten Sie dann erneut.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/checks.py" line="84"/>
        <source>PRODUCT: {} does not exist; choose the product&apos;s file.</source>
        <translation>PRODUCT: {} existiert nicht; wählen Sie die Datei des Produkts.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/checks.py" line="86"/>
        <source>INPUT: no raster was given; choose a hyperspectral raster (INPUT) or a sensor product file (PRODUCT).</source>
        <translation>INPUT: es wurde kein Raster angegeben; wählen Sie ein Hyperspektralraster (INPUT) oder eine Sensorprodukt-Datei (PRODUCT).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/checks.py" line="102"/>
        <source>INPUT: {} is a file QGIS cannot load as a raster layer (a sensor product&apos;s NetCDF, HDF5, metadata or ZIP?); give it as PRODUCT, which reads the products directly.</source>
        <translation>INPUT: {} ist eine Datei, die QGIS nicht als Rasterlayer laden kann (NetCDF, HDF5, Metadaten oder ZIP eines Sensorprodukts?); geben Sie sie als PRODUCT an, das die Produkte direkt liest.</translation>
    </message>
</context>
<context>
    <name>ParameterHelpers</name>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="104"/>
        <source>Hyperspectral raster</source>
        <translation>Hyperspektrales Raster</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="125"/>
        <source>Model file</source>
        <translation>Modelldatei</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="142"/>
        <source>Allow Python model recipes (runs the recipe&apos;s code)</source>
        <translation>Python-Modellrezepte erlauben (führt den Code des Rezepts aus)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="142"/>
        <source>Accept a Python recipe (.py defining load_model(device)) as MODEL. Off by default because loading a recipe runs the code in it with your permissions, like running a script: enable it only for recipes you wrote or trust. TorchScript and ONNX files need no such permission.</source>
        <translation>Ein Python-Rezept (.py mit load_model(device)) als MODEL akzeptieren. Standardmäßig aus, weil das Laden eines Rezepts seinen Code mit Ihren Rechten ausführt, wie ein Skript: nur für Rezepte einschalten, die Sie geschrieben haben oder denen Sie vertrauen. TorchScript- und ONNX-Dateien brauchen diese Erlaubnis nicht.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="182"/>
        <source>Field polygons</source>
        <translation>Feldpolygone</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="162"/>
        <source>Field identifier</source>
        <translation>Feldkennung</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="162"/>
        <source>Attribute that identifies each field polygon; empty: the feature id.</source>
        <translation>Attribut, das jedes Feldpolygon kennzeichnet; leer: die Objekt-ID.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="230"/>
        <source>Targets</source>
        <translation>Zielgrößen</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="241"/>
        <source>Method</source>
        <translation>Methode</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="241"/>
        <source>LIME: a linear surrogate weighted towards small perturbations. Kernel SHAP: Shapley values, which add up to the prediction minus the prediction on the baseline (exact when the number of samples reaches 2^features).</source>
        <translation>LIME: ein lineares Ersatzmodell, das kleine Störungen stärker gewichtet. Kernel SHAP: Shapley-Werte, die sich zur Vorhersage minus der Vorhersage auf der Basislinie addieren (exakt, wenn die Anzahl der Stichproben 2^Merkmale erreicht).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="284"/>
        <source>Baseline</source>
        <translation>Basislinie</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="352"/>
        <source>Kernel width (LIME)</source>
        <translation>Kernelbreite (LIME)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="352"/>
        <source>Width of LIME&apos;s similarity kernel on the cosine distance (0 to 1) between a perturbed image and the original; smaller is more local. The default 1.0 gives the image with everything removed 0.61 of the original&apos;s weight. Kernel SHAP ignores it.</source>
        <translation>Breite des LIME-Ähnlichkeitskernels auf dem Kosinusabstand (0 bis 1) zwischen gestörtem Bild und Original; kleiner ist lokaler. Der Standardwert 1.0 gibt dem Bild, in dem alles entfernt ist, 0,61 des Gewichts des Originals. Kernel SHAP ignoriert ihn.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="389"/>
        <source>Batch size (0 = automatic)</source>
        <translation>Stapelgröße (0 = automatisch)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="389"/>
        <source>Images per forward pass; 0 chooses from the free memory.</source>
        <translation>Bilder je Vorwärtsdurchlauf; 0 wählt anhand des freien Speichers.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="396"/>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="403"/>
        <source>Random seed</source>
        <translation>Zufallsstartwert</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="403"/>
        <source>The same seed gives the same samples and the same attributions.</source>
        <translation>Derselbe Startwert ergibt dieselben Stichproben und dieselben Attributionen.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="453"/>
        <source>Band wavelengths (override)</source>
        <translation>Kanalwellenlängen (überschreiben)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="453"/>
        <source>Band centres in nm, one per band in band order, separated by commas (values below 100 are read as micrometres), or the path of a text/CSV file that lists them. Empty: the wavelengths stored in the raster.</source>
        <translation>Kanalmitten in nm, eine je Kanal in Kanalreihenfolge, durch Kommas getrennt (Werte unter 100 werden als Mikrometer gelesen), oder der Pfad einer Text-/CSV-Datei, die sie auflistet. Leer: die im Raster gespeicherten Wellenlängen.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="230"/>
        <source>Comma-separated target names or 0-based indices, or top:K for the K classes the model predicts highest for this image (or field); empty: every target of the model.</source>
        <translation>Durch Kommas getrennte Namen von Zielgrößen oder Indizes ab 0, oder top:K für die K Klassen, die das Modell für dieses Bild (oder Feld) am höchsten vorhersagt; leer: alle Zielgrößen des Modells.</translation>
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
        <location filename="../processing_algorithms/parameters.py" line="252"/>
        <source>Number of samples (0 = automatic)</source>
        <translation>Anzahl der Stichproben (0 = automatisch)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="252"/>
        <source>Perturbed images the model evaluates; more gives steadier attributions. 0: sample in rounds, reusing every image, until each attribution&apos;s 95 % interval is narrower than PRECISION times its target&apos;s largest attribution, or MAX_SAMPLES images were evaluated; the log says how many were used.</source>
        <translation>Gestörte Bilder, die das Modell auswertet; mehr ergibt stabilere Attributionen. 0: in Runden ziehen, jedes Bild wiederverwenden, bis das 95-%-Intervall jeder Attribution schmaler ist als PRECISION mal die größte Attribution ihrer Zielgröße oder MAX_SAMPLES Bilder ausgewertet sind; das Protokoll nennt die verwendete Anzahl.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="264"/>
        <source>Precision of the automatic sample count</source>
        <translation>Genauigkeit der automatischen Stichprobenzahl</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="264"/>
        <source>Half-width of the 95 % intervals, as a fraction of each target&apos;s largest attribution.</source>
        <translation>Halbe Breite der 95-%-Intervalle, als Anteil der größten Attribution jeder Zielgröße.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="272"/>
        <source>Most samples of the automatic sample count</source>
        <translation>Höchstzahl der automatischen Stichprobenzahl</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="272"/>
        <source>The automatic sample count never evaluates more images than this.</source>
        <translation>Die automatische Stichprobenzahl wertet nie mehr Bilder als diese aus.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="379"/>
        <source>Automatic</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="379"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="380"/>
        <source>CUDA (NVIDIA GPU)</source>
        <translation>CUDA (NVIDIA-GPU)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="385"/>
        <source>CSV (.csv) or GeoPackage (.gpkg) table, by the file&apos;s extension</source>
        <translation>CSV- (.csv) oder GeoPackage-Tabelle (.gpkg), je nach Dateiendung</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="396"/>
        <source>Automatic: the GPU when torch sees one, else the CPU. CUDA without a GPU is an error.</source>
        <translation>Automatisch: die GPU, wenn torch eine sieht, sonst die CPU. CUDA ohne GPU ist ein Fehler.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="494"/>
        <source>Report</source>
        <translation>Bericht</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="494"/>
        <source>HTML files (*.html)</source>
        <translation>HTML-Dateien (*.html)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="494"/>
        <source>A self-contained HTML page: the parameters, the model card, the device, the time taken, per target the prediction, the base value (the model with every feature removed) and the surrogate&apos;s R2, and the figures.</source>
        <translation>Eine eigenständige HTML-Seite: die Parameter, die Modellkarte, das Gerät, die benötigte Zeit, je Zielgröße die Vorhersage, der Basiswert (das Modell mit allen Merkmalen entfernt) und das R2 des Surrogats, sowie die Abbildungen.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="434"/>
        <source>Empty: the standard bands B; G; R; RE1; RE2; RE3; N; N2; S1; S2 that lie inside the sensor&apos;s range. Otherwise groups separated by &apos;;&apos;, each one superband. Names: spyndex bands (B, G, R, RE1, N, S1, ...) or spectral indices (NDVI, BI, ...; an index stands for its bands), &apos;+&apos; merges names (G+B). Wavelengths in nm: label=lo-hi[,lo-hi...] (a single wavelength takes the nearest band). Band indices, 0-based and inclusive: label=iK-iM[,iK...]. A band belongs to the first group that names it. Examples: &apos;R; G+B; BI; potassium=462-475,599-613; edge=i40-i60&apos; - &apos;NDVI; water=940-990&apos; - &apos;visible=i0-i39; edge=i40-i60&apos;</source>
        <translation>Leer: die Standardbänder B; G; R; RE1; RE2; RE3; N; N2; S1; S2, die im Bereich des Sensors liegen. Sonst durch ';' getrennte Gruppen, jede ein Superband. Namen: spyndex-Bänder (B, G, R, RE1, N, S1, ...) oder Spektralindizes (NDVI, BI, ...; ein Index steht für seine Bänder), '+' fasst Namen zusammen (G+B). Wellenlängen in nm: Name=von-bis[,von-bis...] (eine einzelne Wellenlänge nimmt das nächstgelegene Band). Bandindizes, ab 0 gezählt und einschließlich: Name=iK-iM[,iK...]. Ein Band gehört zur ersten Gruppe, die es nennt. Beispiele: 'R; G+B; BI; potassium=462-475,599-613; edge=i40-i60' - 'NDVI; water=940-990' - 'visible=i0-i39; edge=i40-i60'</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="444"/>
        <source>Band groups (superbands)</source>
        <translation>Kanalgruppen (Superbänder)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="177"/>
        <source>Segments inside each unit</source>
        <translation>Segmente in jeder Einheit</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="178"/>
        <source>Field polygons (not available here)</source>
        <translation>Feldpolygone (hier nicht verfügbar)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="179"/>
        <source>Spatial kind: SLIC superpixels (N_SEGMENTS, COMPACTNESS) or square patches (PATCH_SIZE).</source>
        <translation>Räumliche Art: SLIC-Superpixel (N_SEGMENTS, COMPACTNESS) oder quadratische Kacheln (PATCH_SIZE).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="182"/>
        <source>Segments</source>
        <translation>Segmente</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="183"/>
        <source>0: the polygons of POLYGONS; 1: SLIC superpixels of the raster; 2: square patches.</source>
        <translation>0: die Polygone aus POLYGONS; 1: SLIC-Superpixel des Rasters; 2: quadratische Kacheln.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="185"/>
        <source>SLIC superpixels</source>
        <translation>SLIC-Superpixel</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="185"/>
        <source>Regular patches</source>
        <translation>Regelmäßige Kacheln</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="188"/>
        <source>Number of SLIC superpixels</source>
        <translation>Anzahl der SLIC-Superpixel</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="188"/>
        <source>Approximate number of superpixels (SEGMENTATION=1); a small unit gets at most one per pixel.</source>
        <translation>Ungefähre Anzahl der Superpixel (SEGMENTATION=1); eine kleine Einheit erhält höchstens eines je Pixel.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="194"/>
        <source>SLIC compactness</source>
        <translation>SLIC-Kompaktheit</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="194"/>
        <source>Higher: squarer superpixels; lower: superpixels that follow spectral edges.</source>
        <translation>Höher: quadratischere Superpixel; niedriger: Superpixel, die spektralen Kanten folgen.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="200"/>
        <source>Patch size (pixels)</source>
        <translation>Kachelgröße (Pixel)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="200"/>
        <source>Side of the square patches (SEGMENTATION=2); edge patches are smaller.</source>
        <translation>Seitenlänge der quadratischen Kacheln (SEGMENTATION=2); Randkacheln sind kleiner.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="208"/>
        <source>Keep bands in no group fixed</source>
        <translation>Kanäle ohne Gruppe unverändert lassen</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="208"/>
        <source>No: the bands in no group form one more superband, &apos;not_included&apos;, switched off like the others. Yes: they keep their values in every sample and get no attribution.</source>
        <translation>Nein: Die Kanäle ohne Gruppe bilden ein weiteres Superband, 'not_included', das wie die anderen ausgeschaltet wird. Ja: Sie behalten in jeder Stichprobe ihre Werte und erhalten keine Attribution.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="372"/>
        <source>Integrated Gradients</source>
        <translation>Integrated Gradients</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="373"/>
        <source>Saliency</source>
        <translation>Saliency</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="373"/>
        <source>Input x Gradient</source>
        <translation>Input x Gradient</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="374"/>
        <source>Occlusion</source>
        <translation>Okklusion</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="468"/>
        <source>Spectral importance of each pixel</source>
        <translation>Spektrale Bedeutung jedes Pixels</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="468"/>
        <source>A model that predicts each pixel from its spectrum (input.layout &apos;pixels&apos; in its card) only: every pixel&apos;s attribution of each target and superband, one band each, named target:superband, on the raster&apos;s grid. All pixels share the same samples, so one fit serves them all; Kernel SHAP is exact when N_SAMPLES covers all 2^K coalitions. The raster is read and written unit by unit (without polygons: in tiles).</source>
        <translation>Nur für ein Modell, das jedes Pixel aus seinem Spektrum vorhersagt (input.layout 'pixels' in seiner Karte): die Attribution jedes Pixels für jede Zielgröße und jedes Superband, je ein Kanal mit dem Namen Zielgröße:Superband, auf dem Raster des Eingangs. Alle Pixel teilen dieselben Stichproben, so dient eine Anpassung allen; Kernel SHAP ist exakt, wenn N_SAMPLES alle 2^K Koalitionen abdeckt. Das Raster wird Einheit für Einheit gelesen und geschrieben (ohne Polygone: in Kacheln).</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="481"/>
        <source>Dominant superband of each pixel</source>
        <translation>Dominantes Superband jedes Pixels</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="481"/>
        <source>Per target (one band each) the superband that raises the pixel&apos;s prediction most, as classes named by the superbands (0: none raises it), styled with a legend of their names.</source>
        <translation>Je Zielgröße (je ein Kanal) das Superband, das die Vorhersage des Pixels am stärksten erhöht, als Klassen mit den Namen der Superbänder (0: keines erhöht sie), mit einer Legende ihrer Namen dargestellt.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="125"/>
        <source>A TorchScript (.pt) or ONNX (.onnx) model, a scikit-learn model saved with skops (.skops), or a Python recipe (.py, see ALLOW_PYTHON_MODEL). Its model card (same name, .json, or embedded in the model) gives the task, the targets or class names, the input scaling, size and wavelengths.</source>
        <translation>Ein TorchScript- (.pt) oder ONNX-Modell (.onnx), ein mit skops gespeichertes scikit-learn-Modell (.skops) oder ein Python-Rezept (.py, siehe ALLOW_PYTHON_MODEL). Seine Modellkarte (gleicher Name, .json, oder im Modell eingebettet) nennt Aufgabe, Zielgrößen oder Klassennamen, Skalierung, Größe und Wellenlängen der Eingabe.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="104"/>
        <source>The image the model reads (GeoTIFF, ENVI or any GDAL format, or a sensor product&apos;s image such as EnMAP&apos;s SPECTRAL_IMAGE.TIF), one band per wavelength. Or give PRODUCT.</source>
        <translation>Das Bild, das das Modell liest (GeoTIFF, ENVI oder jedes GDAL-Format, oder das Bild eines Sensorprodukts wie EnMAPs SPECTRAL_IMAGE.TIF), ein Kanal pro Wellenlänge. Oder PRODUCT angeben.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="110"/>
        <source>Sensor product file (instead of INPUT)</source>
        <translation>Sensorprodukt-Datei (statt INPUT)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="110"/>
        <source>A hyperspectral product as downloaded, read directly as reflectance (0-1) with its wavelengths, bad bands and map grid: EMIT L2A RFL (.nc), EnMAP L2A (METADATA.XML, SPECTRAL_IMAGE.TIF or the ZIP), PRISMA L2D (.he5), DESIS L2A (SPECTRAL_IMAGE.tif with its .hdr), Tanager ortho surface reflectance (.h5), AVIRIS L2A RFL_ORT (.nc). Used instead of INPUT, which cannot hold the products QGIS does not load as a layer.</source>
        <translation>Ein Hyperspektralprodukt, wie es heruntergeladen wurde, direkt als Reflexion (0-1) mit seinen Wellenlängen, schlechten Kanälen und seinem Kartenraster gelesen: EMIT L2A RFL (.nc), EnMAP L2A (METADATA.XML, SPECTRAL_IMAGE.TIF oder das ZIP), PRISMA L2D (.he5), DESIS L2A (SPECTRAL_IMAGE.tif mit seiner .hdr), Tanager Ortho-Oberflächenreflexion (.h5), AVIRIS L2A RFL_ORT (.nc). Wird statt INPUT verwendet, das die Produkte nicht aufnehmen kann, die QGIS nicht als Layer lädt.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="284"/>
        <source>What a removed feature becomes, and so which question the explanation answers. background: spectra of the scene (BACKGROUND), the expectation over them - &apos;what if these features looked like the rest of the scene?&apos;. zero, mean (the image&apos;s mean of each band) or a number, in model input units - &apos;what if they were this constant?&apos;. Spatial explanations only: blur (the image Gaussian-blurred, BLUR_SIGMA) - &apos;does the model need this region&apos;s own detail?&apos; - and inpaint (each removed segment filled from its surroundings) - &apos;what if this region looked like its neighbourhood?&apos;.</source>
        <translation>Was ein entferntes Merkmal wird, und damit, welche Frage die Erklärung beantwortet. background: Spektren der Szene (BACKGROUND), der Erwartungswert über sie – „was, wenn diese Merkmale wie der Rest der Szene aussähen?“. zero, mean (der Mittelwert jedes Kanals im Bild) oder eine Zahl, in Eingabeeinheiten des Modells – „was, wenn sie diese Konstante wären?“. Nur für räumliche Erklärungen: blur (das Bild Gauß-geglättet, BLUR_SIGMA) – „braucht das Modell die eigenen Details dieser Region?“ – und inpaint (jedes entfernte Segment aus seiner Umgebung aufgefüllt) – „was, wenn diese Region wie ihre Nachbarschaft aussähe?“.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="297"/>
        <source>Background (for BASELINE=background)</source>
        <translation>Hintergrund (für BASELINE=background)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="297"/>
        <source>A raster whose valid pixels&apos; spectra form the background (the same bands as INPUT), or polygons on INPUT whose pixels form it (for example training fields, any CRS). Empty: INPUT&apos;s valid pixels over the whole scene, never only the part explained. Also the contrast of the baseline sensitivity when FAITHFULNESS is on.</source>
        <translation>Ein Raster, dessen gültige Pixelspektren den Hintergrund bilden (dieselben Kanäle wie INPUT), oder Polygone auf INPUT, deren Pixel ihn bilden (zum Beispiel Trainingsfelder, beliebiges KBS). Leer: die gültigen Pixel von INPUT über die ganze Szene, nie nur der erklärte Teil. Auch der Vergleich für die Empfindlichkeit gegenüber der Referenz, wenn FAITHFULNESS eingeschaltet ist.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="310"/>
        <source>Background size (spectra)</source>
        <translation>Größe des Hintergrunds (Spektren)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="310"/>
        <source>Spectra the background is summarised into: a weighted k-means summary (the cluster centres, weighted by their sizes) when it holds more, every spectrum when it holds fewer.</source>
        <translation>Spektren, zu denen der Hintergrund zusammengefasst wird: eine gewichtete k-Means-Zusammenfassung (die Clusterzentren, gewichtet nach ihrer Größe), wenn er mehr enthält, jedes Spektrum, wenn er weniger enthält.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="321"/>
        <source>Background expectation</source>
        <translation>Erwartungswert über den Hintergrund</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="321"/>
        <source>Sampled: each perturbed image takes one background spectrum drawn by weight, as many model evaluations as a constant baseline; the standard errors include the background&apos;s variance. Exact: every perturbed image is evaluated with every background spectrum (BACKGROUND_SIZE times the model evaluations); Kernel SHAP then gives the exact interventional Shapley values.</source>
        <translation>Stichprobe: jedes gestörte Bild erhält ein nach Gewicht gezogenes Hintergrundspektrum, so viele Modellauswertungen wie bei einer konstanten Referenz; die Standardfehler enthalten die Varianz des Hintergrunds. Exakt: jedes gestörte Bild wird mit jedem Hintergrundspektrum ausgewertet (BACKGROUND_SIZE-mal so viele Modellauswertungen); Kernel SHAP liefert dann die exakten interventionellen Shapley-Werte.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="335"/>
        <source>Blur sigma (pixels, for BASELINE=blur)</source>
        <translation>Glättungs-Sigma (Pixel, für BASELINE=blur)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="335"/>
        <source>Standard deviation of the Gaussian that blurs each band for BASELINE=blur, in pixels.</source>
        <translation>Standardabweichung des Gauß-Filters, der jeden Kanal für BASELINE=blur glättet, in Pixeln.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="346"/>
        <source>Sampled (one spectrum per perturbed image)</source>
        <translation>Stichprobe (ein Spektrum je gestörtem Bild)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="347"/>
        <source>Exact (every spectrum for every perturbed image)</source>
        <translation>Exakt (jedes Spektrum für jedes gestörte Bild)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="412"/>
        <source>Score faithfulness (deletion, insertion, infidelity, baseline sensitivity)</source>
        <translation>Treue bewerten (Entfernen, Einfügen, Infidelity, Empfindlichkeit gegenüber der Referenz)</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/parameters.py" line="412"/>
        <source>After explaining, remove (or add) the features in order of attribution and in random orders and record the model&apos;s output: deletion_auc (lower is better), insertion_auc (higher is better), the same for random orders, infidelity (lower is better) and, for spatial features, road_deletion_auc (removed pixels imputed from their neighbours, lower is better); and explain once more with a contrasting baseline (zero for background, background for the others): baseline_rank_corr, the rank correlation of the two (near 1: the ranking is the model&apos;s, near 0: the baseline&apos;s). Per target, in the outputs, the report and the log. Costs the explanation once more plus about 2 x (features + 1) x 4 model evaluations.</source>
        <translation>Nach der Erklärung die Merkmale in der Reihenfolge ihrer Attribution und in zufälligen Reihenfolgen entfernen (oder hinzufügen) und die Ausgabe des Modells aufzeichnen: deletion_auc (kleiner ist besser), insertion_auc (größer ist besser), dasselbe für zufällige Reihenfolgen, infidelity (kleiner ist besser) und für räumliche Merkmale road_deletion_auc (entfernte Pixel aus ihren Nachbarn imputiert, kleiner ist besser); und noch einmal mit einer gegensätzlichen Referenz erklären (zero für background, background für die übrigen): baseline_rank_corr, die Rangkorrelation der beiden (nahe 1: die Rangfolge ist die des Modells, nahe 0: die der Referenz). Je Zielgröße, in den Ausgaben, dem Bericht und dem Protokoll. Kostet die Erklärung ein zweites Mal und etwa 2 x (Merkmale + 1) x 4 Modellauswertungen.</translation>
    </message>
</context>
<context>
    <name>ParameterReaders</name>
    <message>
        <location filename="../processing_algorithms/readers.py" line="151"/>
        <source>INPUT: no raster layer was given; choose a hyperspectral raster.</source>
        <translation>INPUT: Es wurde kein Rasterlayer angegeben; wählen Sie ein hyperspektrales Raster.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/readers.py" line="154"/>
        <source>INPUT: the layer comes from the &apos;{}&apos; provider; choose a file-based (GDAL) raster.</source>
        <translation>INPUT: Der Layer stammt vom Anbieter '{}'; wählen Sie ein dateibasiertes (GDAL-)Raster.</translation>
    </message>
    <message>
        <location filename="../processing_algorithms/readers.py" line="117"/>
        <source>BACKGROUND: the layer cannot be found; choose a raster or a polygon layer, or leave it empty (the scene&apos;s own pixels).</source>
        <translation>BACKGROUND: der Layer wurde nicht gefunden; wählen Sie einen Raster- oder Polygonlayer, oder lassen Sie das Feld leer (die eigenen Pixel der Szene).</translation>
    </message>
</context>
</TS>
